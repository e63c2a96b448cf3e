/**
 * The CloudEvents 1.0 structured-mode envelope for events leaving the store (DESIGN.md
 * "Events"): `subject` = tenant-qualified stream id, `dataschema` = the registry subject and
 * version the data conforms to (a Confluent-API URL: `<registry>/subjects/<type>/versions/<n>/schema`),
 * and extensions for the stream version, schema version, correlation, causation, tenant,
 * actor, command id, store position and W3C traceparent. Pure: the bus adapters publish it.
 */
import type { CloudEventEnvelope } from '../../ports/EventBus';
import { PermanentError } from '../../ports/EventBus';
import type { EventMetadata, StoredEvent } from '../../ports/events';

export const DEFAULT_CLOUDEVENT_SOURCE = 'nexus://local';
/** Used when the runtime does not know the registry's public URL (an absolute URI all the same). */
export const DEFAULT_REGISTRY_BASE = 'nexus://registry';

export interface CloudEventOptions {
  /** CloudEvents `source`: the producing Nexus stack (default nexus://local). */
  readonly source?: string;
  /** Base URL of the Confluent-compatible registry API, e.g. https://api.example.com/registry. */
  readonly registryBase?: string;
}

/** Metadata field → CloudEvents extension name (lower-case alphanumeric, ≤ 20 chars per spec). */
export const METADATA_EXTENSIONS: ReadonlyArray<readonly [keyof EventMetadata & string, string]> = [
  ['correlationId', 'correlationid'],
  ['causationId', 'causationid'],
  ['tenant', 'tenant'],
  ['actor', 'actor'],
  ['commandId', 'commandid'],
  ['traceparent', 'traceparent'],
];

/** `<base>/subjects/<subject>/versions/<n>/schema` (the registry serves the raw schema there). */
export function dataSchemaUri(subject: string, version: number, base = DEFAULT_REGISTRY_BASE): string {
  return `${base.replace(/\/+$/, '')}/subjects/${encodeURIComponent(subject)}/versions/${version}/schema`;
}

/** Subject and version back from a dataschema URI written by `dataSchemaUri`. */
export function parseDataSchemaUri(uri: string): { subject: string; version: number } | undefined {
  const m = /\/subjects\/([^/]+)\/versions\/([1-9][0-9]*)(?:\/schema)?$/.exec(uri);
  return m ? { subject: decodeURIComponent(m[1]!), version: Number(m[2]) } : undefined;
}

export function toCloudEvent(event: StoredEvent, options: CloudEventOptions = {}): CloudEventEnvelope {
  const extensions: Record<string, string> = {};
  for (const [field, name] of METADATA_EXTENSIONS) {
    const value = event.metadata[field];
    if (value !== undefined) extensions[name] = value;
  }
  return {
    specversion: '1.0',
    id: event.eventId,
    source: options.source ?? DEFAULT_CLOUDEVENT_SOURCE,
    type: event.type,
    subject: event.streamId,
    time: event.recordedAt,
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(event.type, event.schemaVersion, options.registryBase),
    data: event.data,
    streamversion: event.version,
    schemaversion: event.schemaVersion,
    position: event.position,
    ...extensions,
  };
}

/**
 * The stored event back from an envelope written by `toCloudEvent`. Throws PermanentError
 * naming the attribute when the envelope is not a Nexus stored-event envelope (a consumer
 * cannot succeed on a retry, so the message is dead-lettered at once).
 */
export function fromCloudEvent(envelope: CloudEventEnvelope): StoredEvent {
  const need = (attribute: string, ok: boolean, expected: string): void => {
    if (!ok) throw new PermanentError(`CloudEvent ${String(envelope.id)}: ${attribute} must be ${expected}`);
  };
  need('specversion', envelope.specversion === '1.0', '"1.0"');
  need('subject', typeof envelope.subject === 'string' && envelope.subject.length > 0, 'the stream id');
  need('streamversion', Number.isInteger(envelope.streamversion), 'an integer (the event version in its stream)');
  need('schemaversion', Number.isInteger(envelope.schemaversion), 'an integer (the schema version of data)');
  need('data', typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data), 'a JSON object');
  const metadata: Record<string, string> = {};
  for (const [field, name] of METADATA_EXTENSIONS) {
    const value = envelope[name];
    if (typeof value === 'string') metadata[field] = value;
  }
  return {
    eventId: envelope.id,
    type: envelope.type,
    streamId: envelope.subject!,
    version: envelope.streamversion as number,
    schemaVersion: envelope.schemaversion as number,
    data: envelope.data as Record<string, unknown>,
    metadata,
    position: typeof envelope.position === 'string' ? envelope.position : '',
    recordedAt: envelope.time ?? '',
  };
}
