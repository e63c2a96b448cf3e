/**
 * Cloud mapping for the schema registry: the registry itself and the schema versions the plan
 * registers, with their definition and compatibility mode where the cloud carries them.
 *   AWS    Glue registry + one Glue schema per subject (latest version; tag nexus-schema-version;
 *          Glue modes FULL_ALL/BACKWARD_ALL/... translated to Nexus modes)
 *   GCP    one Pub/Sub Avro schema per subject (latest version; no modes — Nexus checks them);
 *          the `~config` schema that records modes is not an event type
 *   Azure  an Event Hubs schema group; schemas are data-plane objects registered by
 *          `nexus schemas register` (ADR 0123), so the plan carries only the group and the number
 *          of versions it will hold (group property nexus-schemas)
 */
import { Registry as GlueRegistry, Schema as GlueSchema } from '@pulumi/aws/glue';
import { Schema as PubSubSchema } from '@pulumi/gcp/pubsub';
import { SchemaRegistry as EventHubsSchemaGroup } from '@pulumi/azure-native/eventhub';
import type { CompatibilityMode } from '../../runtime/ports/SchemaRegistry';
import { componentOf, get, jsonDoc, num, str } from '../policyKit';
import { mapping, type Mapping } from './types';

export interface PlannedSchema {
  readonly kind: 'schema';
  readonly label: string;
  readonly subject: string;
  /** Version the plan registers; undefined = the latest in schemas/ (GCP has no version input). */
  readonly version?: number;
  readonly definition: string;
  readonly compatibility?: CompatibilityMode;
}

export interface PlannedRegistry {
  readonly kind: 'registry';
  readonly label: string;
  /** Versions the registry declares it will hold, when the plan cannot list them (Azure). */
  readonly declaredVersions?: number;
}

export type RegistryFacts = PlannedSchema | PlannedRegistry;

const GLUE_MODES: Readonly<Record<string, CompatibilityMode>> = {
  NONE: 'NONE', DISABLED: 'NONE', BACKWARD: 'BACKWARD', BACKWARD_ALL: 'BACKWARD_TRANSITIVE',
  FORWARD: 'FORWARD', FORWARD_ALL: 'FORWARD_TRANSITIVE', FULL: 'FULL', FULL_ALL: 'FULL_TRANSITIVE',
};

/** The Avro record's short name (the subject, ADR 0023). */
function recordName(definition: string): string | undefined {
  const name = str(get(jsonDoc(definition), 'name'));
  return name?.split('.').pop();
}

export const registryMappings: readonly Mapping<RegistryFacts>[] = [
  mapping('aws', GlueRegistry, (s) => ({ kind: 'registry', label: `Glue registry ${s.name}` })),
  mapping('aws', GlueSchema, (s) => {
    const definition = str(get(s.props, 'schemaDefinition')) ?? '';
    const mode = GLUE_MODES[str(get(s.props, 'compatibility')) ?? ''];
    const version = num(get(s.props, 'tags', 'nexus-schema-version'));
    return {
      kind: 'schema', label: `Glue schema ${s.name}`, subject: str(get(s.props, 'schemaName')) ?? s.name, definition,
      ...(version !== undefined ? { version } : {}), ...(mode ? { compatibility: mode } : {}),
    };
  }),
  mapping('gcp', PubSubSchema, (s) => {
    if (componentOf(s.urn) !== 'schemaregistry') return undefined;
    const definition = str(get(s.props, 'definition')) ?? '';
    const subject = recordName(definition);
    if (!subject || subject === 'NexusRegistryConfig') return { kind: 'registry', label: `Pub/Sub schema registry (${s.name})` };
    return { kind: 'schema', label: `Pub/Sub schema ${s.name}`, subject, definition };
  }),
  mapping('azure', EventHubsSchemaGroup, (s) => {
    const declared = num(get(s.props, 'groupProperties', 'nexus-schemas'));
    return { kind: 'registry', label: `Event Hubs schema group ${str(get(s.props, 'schemaGroupName')) ?? s.name}`, ...(declared !== undefined ? { declaredVersions: declared } : {}) };
  }),
];
