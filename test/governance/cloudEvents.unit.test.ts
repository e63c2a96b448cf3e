/**
 * The CloudEvents envelope checked with the official `cloudevents` SDK (strict validation of
 * the 1.0 spec: required attributes, URI formats, extension names and value types), a
 * structured-mode HTTP round trip through the SDK, and the way back to a stored event.
 */
import { strict as assert } from 'node:assert';
import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import type { StoredEvent } from '../../runtime/ports/events';
import { isPermanentError } from '../../runtime/ports/EventBus';
import { dataSchemaUri, fromCloudEvent, parseDataSchemaUri, toCloudEvent } from '../../runtime/core/schema/cloudEvents';

const event: StoredEvent = {
  eventId: '0b4f5c1e-2a51-4f43-9f0e-6a1f0c9d2e11',
  type: 'OrderPlaced',
  schemaVersion: 2,
  data: { orderId: '42', customerId: 'c-1', currency: 'EUR', items: [], channel: null },
  streamId: 'acme:Order-42',
  version: 1,
  position: '000000000017',
  recordedAt: '2026-11-28T08:30:00.123Z',
  metadata: {
    correlationId: 'corr-1', causationId: 'cmd-1', tenant: 'acme', actor: 'alice', commandId: 'cmd-1',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
};

describe('CloudEvents 1.0 envelope', () => {
  const envelope = toCloudEvent(event, { source: 'nexus://prod-eu/orders', registryBase: 'https://api.example.com/registry' });

  it('is accepted by the official cloudevents SDK under strict validation', () => {
    const ce = new CloudEvent(envelope);
    assert.equal(ce.validate(), true);
    assert.equal(ce.specversion, '1.0');
  });

  it('maps the attributes: subject = stream id, dataschema = registry subject + version, extensions', () => {
    assert.equal(envelope.id, event.eventId);
    assert.equal(envelope.type, 'OrderPlaced');
    assert.equal(envelope.subject, 'acme:Order-42');
    assert.equal(envelope.time, event.recordedAt);
    assert.equal(envelope.datacontenttype, 'application/json');
    assert.equal(envelope.dataschema, 'https://api.example.com/registry/subjects/OrderPlaced/versions/2/schema');
    assert.deepEqual(
      { sv: envelope.streamversion, schema: envelope.schemaversion, corr: envelope.correlationid, cause: envelope.causationid, tenant: envelope.tenant, tp: envelope.traceparent },
      { sv: 1, schema: 2, corr: 'corr-1', cause: 'cmd-1', tenant: 'acme', tp: event.metadata.traceparent },
    );
    for (const key of Object.keys(envelope)) assert.match(key, /^[a-z0-9]{1,20}$/, `attribute ${key} breaks the CloudEvents naming rule`);
  });

  it('survives a structured-mode HTTP round trip through the SDK', () => {
    const message = HTTP.structured(new CloudEvent(envelope as unknown as Partial<CloudEvent<unknown>>));
    assert.equal(message.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
    const back = HTTP.toEvent(message) as CloudEvent<unknown>;
    assert.deepEqual(fromCloudEvent(back as unknown as Parameters<typeof fromCloudEvent>[0]), event);
  });

  it('the SDK rejects malformed envelopes (so the conformance check can fail)', () => {
    assert.throws(() => new CloudEvent({ ...envelope, stream_version: 1 }), ValidationError);
    assert.throws(() => new CloudEvent({ ...envelope, time: 'yesterday' }), ValidationError);
    assert.throws(() => new CloudEvent({ ...envelope, dataschema: 'not a uri' }), ValidationError);
  });

  it('is valid with the default source and registry base, and without optional metadata', () => {
    const minimal = toCloudEvent({ ...event, metadata: {} });
    assert.equal(new CloudEvent(minimal as unknown as Partial<CloudEvent<unknown>>).validate(), true);
    assert.equal(minimal.tenant, undefined);
    assert.equal(minimal.dataschema, 'nexus://registry/subjects/OrderPlaced/versions/2/schema');
  });

  it('parses dataschema back to subject and version', () => {
    assert.deepEqual(parseDataSchemaUri(dataSchemaUri('OrderShipped', 3, 'http://h/registry/')), { subject: 'OrderShipped', version: 3 });
    assert.equal(parseDataSchemaUri('https://example.com/other'), undefined);
  });

  it('names the attribute when an envelope is not a Nexus stored-event envelope', () => {
    assert.throws(() => fromCloudEvent({ ...envelope, streamversion: 'x' }), (e) => isPermanentError(e) && /streamversion must be an integer/.test(e.message));
    assert.throws(() => fromCloudEvent({ ...envelope, subject: undefined }), (e) => isPermanentError(e) && /subject must be the stream id/.test(e.message));
  });
});
