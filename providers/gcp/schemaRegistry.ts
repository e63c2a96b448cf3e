/**
 * GCP SchemaRegistry: Pub/Sub schemas (Avro), one per schema version in `schemas/`. Pub/Sub has
 * no compatibility modes; Nexus runs its own check before registering (DESIGN.md, Governance),
 * so the compatibility mode travels in the manifest-side convention, not in the resource.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import type { SchemaDefinition, SchemaRegistryArgs } from '../../components/args';
import type { SchemaRegistryOutputs } from '../../components/outputs';
import type { SchemaRegistryManifest } from '../../runtime/manifest';
import { deletionPolicy, gcpContext } from './common';
import { pubsubId, pubsubSchemaId } from './naming';

/** Pub/Sub accepts Avro schema definitions up to 300 KB. */
export const MAX_SCHEMA_BYTES = 300 * 1024;

/** Checks the schema list before any resource is declared; returns an error message or undefined. */
export function validateSchemas(schemas: readonly SchemaDefinition[]): string | undefined {
  const seen = new Set<string>();
  for (const s of schemas) {
    const key = `${s.subject}@${s.version}`;
    if (seen.has(key)) return `schema ${key} is listed twice (second time from ${s.file})`;
    seen.add(key);
    if (Buffer.byteLength(s.definition, 'utf8') > MAX_SCHEMA_BYTES) {
      return `schema ${key} (${s.file}) is over the Pub/Sub limit of ${MAX_SCHEMA_BYTES} bytes`;
    }
    try {
      JSON.parse(s.definition);
    } catch (e) {
      return `schema ${key} (${s.file}) is not valid Avro JSON: ${(e as Error).message}`;
    }
  }
  return undefined;
}

export function gcpSchemaRegistry(name: string, args: SchemaRegistryArgs, parent: pulumi.ComponentResource): SchemaRegistryOutputs {
  const ctx = gcpContext(args.placement, parent);
  const schemas = args.schemas ?? [];
  const problem = validateSchemas(schemas);
  if (problem) throw new pulumi.ResourceError(`GCP schema registry: ${problem}`, parent);

  const subjectPrefix = `${pubsubId(name)}-`;
  const registered: string[] = [];
  const ids: pulumi.Output<string>[] = [];
  for (const s of schemas) {
    const schemaId = pubsubSchemaId(subjectPrefix, s.subject, s.version);
    const schema = new pubsub.Schema(
      `${name}-${s.subject}-v${s.version}`,
      { project: ctx.project, name: schemaId, type: 'AVRO', definition: s.definition, deletionPolicy: deletionPolicy(ctx) },
      { parent, protect: ctx.protect },
    );
    registered.push(`${s.subject}@${s.version}`);
    ids.push(schema.id);
  }
  const manifest: pulumi.Output<SchemaRegistryManifest> = pulumi
    .all(ids)
    .apply(() => ({ kind: 'pubsub-schemas' as const, projectId: ctx.project, subjectPrefix }));
  return { manifest, registered, refs: { subjectPrefix: pulumi.output(subjectPrefix) } };
}
