/**
 * AWS SchemaRegistry: a Glue Schema Registry with one Glue schema per subject (Avro), holding
 * the subject's latest version and its compatibility mode (Glue names the *_TRANSITIVE modes
 * *_ALL). Glue keeps earlier versions as the definition changes; Nexus runs its own
 * compatibility check as well, so every cloud enforces the same contract (see ADR 0020s).
 */
import * as pulumi from '@pulumi/pulumi';
import * as glue from '@pulumi/aws/glue';
import type { Compatibility, SchemaDefinition, SchemaRegistryArgs } from '../../components/args';
import type { SchemaRegistryOutputs } from '../../components/outputs';
import { childName, cloudName } from '../../components/naming';
import { awsTags } from './common';

const GLUE_COMPATIBILITY: Record<Compatibility, string> = {
  BACKWARD: 'BACKWARD', BACKWARD_TRANSITIVE: 'BACKWARD_ALL', FORWARD: 'FORWARD', FORWARD_TRANSITIVE: 'FORWARD_ALL',
  FULL: 'FULL', FULL_TRANSITIVE: 'FULL_ALL', NONE: 'NONE',
};

export function glueCompatibility(mode: Compatibility): string {
  return GLUE_COMPATIBILITY[mode];
}

/** The newest version of each subject (input sorted by subject, then version). */
export function latestPerSubject(schemas: readonly SchemaDefinition[]): SchemaDefinition[] {
  const latest = new Map<string, SchemaDefinition>();
  for (const s of schemas) {
    const cur = latest.get(s.subject);
    if (!cur || s.version > cur.version) latest.set(s.subject, s);
  }
  return [...latest.values()];
}

export function awsSchemaRegistry(name: string, args: SchemaRegistryArgs, parent: pulumi.ComponentResource): SchemaRegistryOutputs {
  const { placement } = args;
  const tags = awsTags(placement, 'schemaregistry');
  const region = placement.region;
  const registry = new glue.Registry(childName(name, 'glue'), {
    region,
    registryName: cloudName(name, 255),
    description: 'Nexus event schemas (Avro), one schema per event type',
    tags,
  }, { parent });

  const latest = latestPerSubject(args.schemas ?? []);
  const refs: Record<string, pulumi.Output<string>> = { registryArn: registry.arn, registryName: registry.registryName };
  for (const s of latest) {
    const schema = new glue.Schema(childName(name, s.subject), {
      region,
      registryArn: registry.arn,
      schemaName: s.subject,
      dataFormat: 'AVRO',
      compatibility: glueCompatibility(s.compatibility),
      schemaDefinition: s.definition,
      description: `${s.subject} v${s.version} (${s.file})`,
      tags: { ...tags, 'nexus-schema-version': String(s.version) },
    }, { parent });
    refs[`schemaArn:${s.subject}`] = schema.arn;
  }
  return {
    manifest: registry.registryName.apply((registryName) => ({ kind: 'glue' as const, region, registryName })),
    registered: latest.map((s) => `${s.subject}@${s.version}`),
    refs,
  };
}
