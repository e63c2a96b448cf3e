/**
 * SchemaRegistry component: the cloud's schema registry plus every schema version of
 * `schemas/` registered with its subject's compatibility mode. Schemas arrive as data (index.ts
 * reads the files); `checkSchemaSet` rejects an inconsistent set before any resource is made.
 */
import * as pulumi from '@pulumi/pulumi';
import type { SchemaDefinition, SchemaRegistryArgs } from './args';
import type { SchemaRegistryOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { SchemaRegistryArgs };

/**
 * Pure check of a schema set: versions of a subject are 1..n without gaps or duplicates, every
 * definition is JSON, and one subject has one compatibility mode. Returns the set sorted by
 * subject then version (the registration order); throws naming the file at fault.
 */
export function checkSchemaSet(schemas: readonly SchemaDefinition[]): SchemaDefinition[] {
  const sorted = [...schemas].sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version);
  const bySubject = new Map<string, SchemaDefinition[]>();
  for (const s of sorted) {
    try {
      JSON.parse(s.definition);
    } catch (e) {
      throw new Error(`${s.file}: schema is not valid JSON (${(e as Error).message})`);
    }
    const list = bySubject.get(s.subject) ?? [];
    list.push(s);
    bySubject.set(s.subject, list);
  }
  for (const [subject, list] of bySubject) {
    list.forEach((s, i) => {
      if (s.version !== i + 1) {
        throw new Error(`${s.file}: subject ${subject} expected version ${i + 1}, found ${s.version} (versions must be 1..n without gaps or duplicates)`);
      }
      if (s.compatibility !== list[0]!.compatibility) {
        throw new Error(`${s.file}: subject ${subject} has compatibility ${s.compatibility}, but ${list[0]!.file} says ${list[0]!.compatibility}`);
      }
    });
  }
  return sorted;
}

export class SchemaRegistry extends pulumi.ComponentResource {
  readonly manifest: SchemaRegistryOutputs['manifest'];
  /** `subject@version` of every registered schema. */
  readonly registered: readonly string[];
  readonly outputs: SchemaRegistryOutputs;

  constructor(name: string, args: SchemaRegistryArgs, opts?: NexusComponentOptions) {
    super(TOKENS.schemaRegistry, name, {}, pulumiOptions(opts));
    let schemas: SchemaDefinition[];
    try {
      schemas = checkSchemaSet(args.schemas ?? []);
    } catch (e) {
      throw new pulumi.ResourceError((e as Error).message, this);
    }
    this.outputs = providerFor(args.placement, opts).schemaRegistry(name, { ...args, schemas }, this);
    this.manifest = this.outputs.manifest;
    this.registered = this.outputs.registered;
    this.registerOutputs({ manifest: this.manifest, registered: this.registered });
  }
}
