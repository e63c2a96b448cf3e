/**
 * Azure SchemaRegistry: an Avro schema group in the bus's Event Hubs namespace. Azure's own
 * compatibility check is set to None: Nexus runs the full check (BACKWARD/FORWARD/FULL and the
 * transitive forms, which Azure lacks) before registering, and records the group default in the
 * group properties. Schemas are data-plane objects with no ARM resource, and the namespace is
 * private, so `nexus schemas register --registry <manifest>` registers them from inside the VNet (ADR 0123).
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventhub from '@pulumi/azure-native/eventhub';
import type { SchemaRegistryArgs } from '../../components/args';
import type { SchemaRegistryOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import type { SchemaRegistryManifest } from '../../runtime/manifest';
import { foundationOf, type AzureState } from './state';

/** Schema group names: 1-50 characters, letters, digits, "-", "_". */
export function schemaGroupName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 50);
}

export function azureSchemaRegistry(state: AzureState, name: string, args: SchemaRegistryArgs, parent: pulumi.ComponentResource): SchemaRegistryOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const eh = state.eventHubs;
  if (!eh) {
    throw new pulumi.ResourceError(`Azure SchemaRegistry ${name}: the schema group lives in the bus's Event Hubs namespace; create the EventBus first with the same provider`, parent);
  }
  const schemas = args.schemas ?? [];
  const seen = new Set<string>();
  for (const s of schemas) {
    const key = `${s.subject}@${s.version}`;
    if (seen.has(key)) throw new pulumi.ResourceError(`Azure schema registry: schema ${key} is listed twice (second time from ${s.file})`, parent);
    seen.add(key);
  }
  const group = schemaGroupName(name);
  const registry = new eventhub.SchemaRegistry(`${name}-group`, {
    resourceGroupName: f.resourceGroupName,
    namespaceName: eh.namespaceId.apply(() => eh.namespaceName),
    schemaGroupName: group,
    schemaType: 'Avro',
    schemaCompatibility: 'None',
    groupProperties: { 'nexus-compatibility': args.defaultCompatibility ?? DEFAULTS.defaultCompatibility, 'nexus-schemas': String(schemas.length) },
  }, { parent });
  const manifest: pulumi.Output<SchemaRegistryManifest> = registry.id.apply(() => ({
    kind: 'azure-schema-registry' as const,
    fullyQualifiedNamespace: eh.fullyQualifiedNamespace,
    group,
  }));
  return { manifest, registered: schemas.map((s) => `${s.subject}@${s.version}`), refs: { schemaGroupId: registry.id } };
}
