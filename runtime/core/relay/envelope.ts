/**
 * Stored event ⇄ CloudEvents 1.0 structured envelope, as the read side sees it on the bus:
 * `subject` = stream id, extensions carry the stream version, schema version, position,
 * correlation, causation, tenant, actor, command id and traceparent. `fromEnvelope` gives
 * consumers (projections, sagas) the StoredEvent back, so they run the same code whether fed
 * by the bus or by a read-all rebuild.
 */
import type { CloudEventEnvelope } from '../../ports/EventBus';
import type { EventMetadata, StoredEvent } from '../../ports/events';
import { PermanentError } from '../../ports/EventBus';

export const DEFAULT_SOURCE = 'nexus://local';

const META_EXTENSIONS: ReadonlyArray<[keyof EventMetadata & string, string]> = [
  ['correlationId', 'correlationid'],
  ['causationId', 'causationid'],
  ['tenant', 'tenant'],
  ['actor', 'actor'],
  ['commandId', 'commandid'],
  ['traceparent', 'traceparent'],
];

export function toEnvelope(event: StoredEvent, source = DEFAULT_SOURCE): CloudEventEnvelope {
  const ext: Record<string, unknown> = {};
  for (const [field, name] of META_EXTENSIONS) {
    const v = event.metadata[field];
    if (v !== undefined) ext[name] = v;
  }
  return {
    specversion: '1.0',
    id: event.eventId,
    source,
    type: event.type,
    subject: event.streamId,
    time: event.recordedAt,
    datacontenttype: 'application/json',
    dataschema: `nexus:schema:${event.type}:${event.schemaVersion}`,
    data: event.data,
    streamversion: event.version,
    schemaversion: event.schemaVersion,
    position: event.position,
    ...ext,
  };
}

/** Throws PermanentError naming the field when the envelope is not one the relay wrote. */
export function fromEnvelope(envelope: CloudEventEnvelope): StoredEvent {
  const need = (field: string, ok: boolean): void => {
    if (!ok) throw new PermanentError(`CloudEvent ${String(envelope.id)}: ${field} is missing or malformed, expected a Nexus stored-event envelope`);
  };
  need('subject', typeof envelope.subject === 'string');
  need('streamversion', Number.isInteger(envelope.streamversion));
  need('schemaversion', Number.isInteger(envelope.schemaversion));
  need('data', typeof envelope.data === 'object' && envelope.data !== null);
  const metadata: Record<string, string> = {};
  for (const [field, name] of META_EXTENSIONS) {
    const v = envelope[name];
    if (typeof v === 'string') metadata[field] = v;
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
