/**
 * Governance test fixtures: a registry seeded from the real schemas/ (or only their v1 files,
 * to replay "the world before v2"), a governed pipeline over it, and a probe aggregate that
 * emits whatever event its command carries (to send invalid or unregistered events).
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import type { Decider, DomainCommand, DomainEvent } from '../../runtime/core/aggregate';
import { createGovernedPipeline } from '../../runtime/core/schema/governedPipeline';
import { loadSchemaDir } from '../../runtime/core/schema/schemaFiles';
import { schemaUpcasters } from '../../runtime/core/schema/upcasters';

export const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

/** A copy of schemas/ without the files above `maxVersion` (e.g. 1: the world before any v2). */
export function schemasUpTo(maxVersion: number): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-schemas-'));
  cpSync(SCHEMAS_DIR, dir, { recursive: true });
  const prune = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) prune(full);
      else if (Number(/\.v(\d+)\.avsc$/.exec(name)?.[1] ?? 0) > maxVersion) rmSync(full);
    }
  };
  prune(dir);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Registry (SQLite at `path`) + governed pipeline for a schemas directory. */
export async function governed(schemasDir = SCHEMAS_DIR, path = ':memory:') {
  const registry = await LocalSchemaRegistry.open({ path, schemasDir });
  const upcasters = schemaUpcasters(loadSchemaDir(schemasDir));
  return { registry, upcasters, pipeline: createGovernedPipeline({ registry, upcasters }) };
}

type EmitCommand = DomainCommand<'Emit', { type: string; schemaVersion?: number; data: Record<string, unknown> }>;

/** Aggregate `Probe`: `Emit` produces exactly the event in its payload. */
export const probeDecider: Decider<EmitCommand, DomainEvent, { count: number }> = {
  aggregateType: 'Probe',
  initialState: { count: 0 },
  stateVersion: 1,
  eventTypes: ['OrderPlaced', 'OrderShipped', 'NotRegistered'],
  commands: { Emit: { type: 'object', required: ['type', 'data'], properties: { type: { type: 'string' }, data: { type: 'object' } } } },
  decide: (command) => [{ type: command.payload.type, data: command.payload.data }],
  evolve: (state) => ({ count: state.count + 1 }),
};
