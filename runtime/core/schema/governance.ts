/**
 * Startup composition of governance for a runtime: the upcaster chain (from `schemas/` when the
 * runtime ships them, else from what the registry holds) and the governed pipeline. A missing
 * upcaster link fails here, at startup. `runtime/main.ts` / entry points call this once and pass
 * `pipeline` to the CommandHandler and the HTTP server.
 */
import type { EventPipeline } from '../pipeline';
import type { SchemaRegistry } from '../../ports/SchemaRegistry';
import { createGovernedPipeline } from './governedPipeline';
import { loadSchemaDir } from './schemaFiles';
import { registryUpcasters, schemaUpcasters, type UpcasterChain, type UpcasterLink } from './upcasters';

export interface GovernanceOptions {
  readonly registry: SchemaRegistry;
  /** The `schemas/` directory shipped with the runtime; when absent the chain is read from the registry. */
  readonly schemasDir?: string;
  /** Hand-written links for changes Avro resolution cannot express. */
  readonly upcasters?: readonly UpcasterLink[];
  /** Event types to build upcaster chains for (default: every JSON-usable registry subject). */
  readonly eventTypes?: readonly string[];
}

export interface Governance {
  readonly pipeline: EventPipeline;
  readonly upcasters: UpcasterChain;
}

/** Throws UpcasterChainError (naming the type and versions) when a chain is incomplete. */
export async function createGovernance(options: GovernanceOptions): Promise<Governance> {
  const upcasters = options.schemasDir
    ? schemaUpcasters(loadSchemaDir(options.schemasDir), options.upcasters)
    : await registryUpcasters(options.registry, options.upcasters, { eventTypes: options.eventTypes });
  return { upcasters, pipeline: createGovernedPipeline({ registry: options.registry, upcasters }) };
}
