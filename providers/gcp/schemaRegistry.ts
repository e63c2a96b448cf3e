/**
 * GCP SchemaRegistry on Pub/Sub schemas, in the layout of the runtime's PubSubSchemaRegistry
 * (ADR 0064): one Avro schema per subject whose revisions are its versions, and a config schema
 * `<prefix>~config` whose `doc` holds the compatibility modes (Pub/Sub has none; Nexus checks).
 * Pulumi creates each subject with its first version and owns the modes; later versions are
 * committed in order by `nexus schemas register --registry <manifest>`, which runs the Nexus
 * compatibility check first. Pulumi ignores later definition changes, so it never commits a
 * revision out of order or past that check.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import type { Compatibility, SchemaDefinition, SchemaRegistryArgs } from '../../components/args';
import type { SchemaRegistryOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import type { SchemaRegistryManifest } from '../../runtime/manifest';
import { deletionPolicy, gcpContext } from './common';
import { pubsubConfigSchemaId, pubsubId, pubsubSubjectSchemaId } from './naming';

/** Pub/Sub accepts Avro definitions up to 300 KB and keeps at most 20 revisions per schema. */
export const MAX_SCHEMA_BYTES = 300 * 1024;
export const MAX_REVISIONS = 20;

/** Checks the schema list before any resource is declared; returns an error message or undefined. */
export function validateSchemas(schemas: readonly SchemaDefinition[]): string | undefined {
  const seen = new Set<string>();
  const perSubject = new Map<string, number>();
  for (const s of schemas) {
    const key = `${s.subject}@${s.version}`;
    if (seen.has(key)) return `schema ${key} is listed twice (second time from ${s.file})`;
    seen.add(key);
    perSubject.set(s.subject, (perSubject.get(s.subject) ?? 0) + 1);
    if (Buffer.byteLength(s.definition, 'utf8') > MAX_SCHEMA_BYTES) {
      return `schema ${key} (${s.file}) is over the Pub/Sub limit of ${MAX_SCHEMA_BYTES} bytes`;
    }
    try {
      JSON.parse(s.definition);
    } catch (e) {
      return `schema ${key} (${s.file}) is not valid Avro JSON: ${(e as Error).message}`;
    }
  }
  for (const [subject, n] of perSubject) {
    if (n > MAX_REVISIONS) return `subject ${subject} has ${n} versions; Pub/Sub keeps at most ${MAX_REVISIONS} revisions per schema`;
  }
  return undefined;
}

/** The first version of each subject (what Pulumi creates), in subject order. */
export function firstVersions(schemas: readonly SchemaDefinition[]): SchemaDefinition[] {
  const first = new Map<string, SchemaDefinition>();
  for (const s of schemas) {
    const seen = first.get(s.subject);
    if (!seen || s.version < seen.version) first.set(s.subject, s);
  }
  return [...first.values()].sort((a, b) => a.subject.localeCompare(b.subject));
}

/** The config schema's Avro text: modes by subject ('' = the registry default), as the adapter reads it. */
export function configSchemaDefinition(defaultMode: Compatibility, schemas: readonly SchemaDefinition[]): string {
  const modes: Record<string, Compatibility> = { '': defaultMode };
  for (const s of schemas) modes[s.subject] = s.compatibility;
  return JSON.stringify({ type: 'record', name: 'NexusRegistryConfig', namespace: 'nexus', doc: JSON.stringify(modes), fields: [] });
}

export function gcpSchemaRegistry(name: string, args: SchemaRegistryArgs, parent: pulumi.ComponentResource): SchemaRegistryOutputs {
  const ctx = gcpContext(args.placement, parent);
  const schemas = args.schemas ?? [];
  const problem = validateSchemas(schemas);
  if (problem) throw new pulumi.ResourceError(`GCP schema registry: ${problem}`, parent);

  const subjectPrefix = `${pubsubId(name)}-`;
  const config = new pubsub.Schema(`${name}-config`, {
    project: ctx.project,
    name: pubsubConfigSchemaId(subjectPrefix),
    type: 'AVRO',
    definition: configSchemaDefinition(args.defaultCompatibility ?? DEFAULTS.defaultCompatibility, schemas),
    deletionPolicy: deletionPolicy(ctx),
  }, { parent, protect: ctx.protect });
  const ids: pulumi.Output<string>[] = [config.id];
  const registered: string[] = [];
  for (const s of firstVersions(schemas)) {
    const schema = new pubsub.Schema(`${name}-${s.subject}`, {
      project: ctx.project,
      name: pubsubSubjectSchemaId(subjectPrefix, s.subject),
      type: 'AVRO',
      definition: s.definition,
      deletionPolicy: deletionPolicy(ctx),
    }, { parent, protect: ctx.protect, ignoreChanges: ['definition'] });
    registered.push(`${s.subject}@${s.version}`);
    ids.push(schema.id);
  }
  const manifest: pulumi.Output<SchemaRegistryManifest> = pulumi
    .all(ids)
    .apply(() => ({ kind: 'pubsub-schemas' as const, projectId: ctx.project, subjectPrefix }));
  return { manifest, registered, refs: { subjectPrefix: pulumi.output(subjectPrefix) } };
}
