/**
 * Shared by the Pulumi tests: plans each stack once per mocha process (planStack runs the real
 * program under mocks and captures the graph) and finds the stack files per cloud.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { planStack, type StackPlan } from '../../runtime/cli/plan/runStack';
import type { PlannedResource } from '../../runtime/cli/plan/graph';
import type { NexusManifest } from '../../runtime/manifest';

export const ROOT = path.resolve(__dirname, '../..');

const cache = new Map<string, Promise<StackPlan>>();
let queue: Promise<unknown> = Promise.resolve();

/** The plan of a stack (Pulumi.<stack>.yaml, or `config` when given), computed once per key. */
export function plan(stack: string, config?: Record<string, unknown>, key = stack): Promise<StackPlan> {
  let p = cache.get(key);
  if (!p) {
    // planStack allows one run at a time: chain them.
    p = queue.then(() => planStack({ stack, root: ROOT, ...(config ? { config } : {}) }));
    queue = p.catch(() => undefined);
    cache.set(key, p);
  }
  return p;
}

/** Stack name → its `nexus:cloud`, for every Pulumi.<stack>.yaml in the repository. */
export function stacksByCloud(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of fs.readdirSync(ROOT)) {
    const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
    if (!m) continue;
    const doc = parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as { config?: Record<string, unknown> };
    const raw = doc.config?.['nexus:cloud'];
    const cloud = typeof raw === 'string' ? raw : '';
    out.set(cloud, [...(out.get(cloud) ?? []), m[1]!]);
  }
  return out;
}

export function manifestOf(p: StackPlan): NexusManifest {
  return p.outputs.manifest as NexusManifest;
}

export function ofType(p: StackPlan, type: string): PlannedResource[] {
  return p.resources.filter((r) => r.type === type);
}

export function byUrn(p: StackPlan): Map<string, PlannedResource> {
  return new Map(p.resources.map((r) => [r.urn, r]));
}
