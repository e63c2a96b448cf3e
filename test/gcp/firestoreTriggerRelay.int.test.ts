/**
 * FirestoreTriggerRelay against documents the Firestore emulator really stored: events are
 * appended with FirestoreEventStore, their documents fetched back through the emulator's REST
 * API (the proto3 JSON Eventarc sends with application/json) and re-encoded as protobuf
 * DocumentEventData (Eventarc's default), then handed to the relay out of order and twice.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BusMessage, EventBus } from '../../runtime/ports/EventBus';
import type { StoredEvent } from '../../runtime/ports/events';
import { FirestoreCheckpointStore } from '../../runtime/adapters/gcp/FirestoreCheckpointStore';
import { FirestoreEventStore } from '../../runtime/adapters/gcp/FirestoreEventStore';
import { FirestoreTriggerRelay } from '../../runtime/adapters/gcp/FirestoreTriggerRelay';
import { DOCUMENT_CREATED, DocumentEventData, type FirestoreCloudEvent } from '../../runtime/adapters/gcp/firestoreDocumentEvents';
import { eventDocId } from '../../runtime/adapters/gcp/firestoreEventDocs';
import { useFirestoreEmulator } from '../servers/firestore';
import { TEST_PROJECT, emulatorFirestore, freshPrefix } from './firestoreClient';

/** Records what the relay publishes (the bus itself is proven by its own contract). */
class RecordingBus implements Pick<EventBus, 'publish'> {
  readonly messages: BusMessage[] = [];
  async publish(messages: readonly BusMessage[]): Promise<void> {
    this.messages.push(...messages);
  }
}

describe('FirestoreTriggerRelay (Firestore emulator documents)', function () {
  this.timeout(60_000);
  const emulator = useFirestoreEmulator('test/gcp/firestoreTriggerRelay.int.test.ts (Firestore trigger relay)');
  let prefix: string;
  let store: FirestoreEventStore;
  let checkpoints: FirestoreCheckpointStore;

  beforeEach(() => {
    prefix = freshPrefix();
    store = new FirestoreEventStore({ firestore: emulatorFirestore(emulator()), collectionPrefix: prefix, settleMs: 50 });
    checkpoints = new FirestoreCheckpointStore({ firestore: emulatorFirestore(emulator()), collectionPrefix: prefix });
  });
  afterEach(async () => {
    await store.close();
    await checkpoints.close();
  });

  /** The stored document as the emulator's REST API returns it (proto3 JSON). */
  async function restDocument(e: StoredEvent): Promise<Record<string, unknown>> {
    const name = `projects/${TEST_PROJECT}/databases/(default)/documents/${prefix}events/${eventDocId(e.streamId, e.version)}`;
    const res = await fetch(`http://${emulator().host}/v1/${encodeURI(name)}`, { headers: { Authorization: 'Bearer owner' } });
    assert.equal(res.status, 200, `GET ${name}`);
    const doc = (await res.json()) as Record<string, unknown>;
    delete doc.createTime;
    delete doc.updateTime;
    return doc;
  }

  async function created(e: StoredEvent, format: 'protobuf' | 'json'): Promise<FirestoreCloudEvent> {
    const value = await restDocument(e);
    const base = { id: randomUUID(), type: DOCUMENT_CREATED, source: `//firestore.googleapis.com/projects/${TEST_PROJECT}/databases/(default)` };
    if (format === 'json') return { ...base, datacontenttype: 'application/json', data: JSON.stringify({ value }) };
    const bytes = DocumentEventData.encode(DocumentEventData.fromObject({ value })).finish();
    return { ...base, datacontenttype: 'application/protobuf', data: bytes };
  }

  const relay = (bus: RecordingBus): FirestoreTriggerRelay =>
    new FirestoreTriggerRelay({ bus: bus as unknown as EventBus, routing: { noncritical: ['OrderNoted'] }, store, checkpoints, eventsCollection: `${prefix}events` });

  const firstOccurrences = (messages: readonly BusMessage[]): string[] => [...new Set(messages.map((m) => m.id))];

  it('publishes protobuf-delivered creations in stream order once, whatever the delivery order and duplicates', async () => {
    const s = `t1:Order-${randomUUID().slice(0, 8)}`;
    const r = await store.append(s, [1, 2, 3].map((n) => ({ eventId: randomUUID(), type: 'OrderPlaced', schemaVersion: 1, data: { n }, metadata: { tenant: 't1' } })), 'no_stream');
    const [e1, e2, e3] = r.events;
    const bus = new RecordingBus();
    const result = await relay(bus).handle([await created(e3!, 'protobuf'), await created(e1!, 'protobuf'), await created(e2!, 'protobuf')]);
    assert.equal(result.published, 3);
    const again = await relay(bus).handle(await created(e2!, 'protobuf'));
    assert.deepEqual(again, { published: 0, duplicates: 1, ignored: 0 });
    assert.deepEqual(bus.messages.map((m) => m.id), r.events.map((e) => e.eventId));
    const m = bus.messages[0]!;
    assert.equal(m.partitionKey, s);
    assert.equal(m.path, 'core');
    assert.equal(m.envelope.subject, s);
    assert.deepEqual(m.envelope.data, { n: 1 });
    assert.equal(await checkpoints.get(`relay:stream:${s}`), '3');
  });

  it('fills a gap from the store when a later creation arrives first (JSON delivery), and routes by type', async () => {
    const s = `t1:Order-${randomUUID().slice(0, 8)}`;
    const r = await store.append(s, [
      { eventId: randomUUID(), type: 'OrderPlaced', schemaVersion: 1, data: { n: 1 } },
      { eventId: randomUUID(), type: 'OrderNoted', schemaVersion: 1, data: { n: 2 } },
      { eventId: randomUUID(), type: 'OrderPaid', schemaVersion: 1, data: { n: 3, list: [[1, 2], { a: null }] } },
    ], 'no_stream');
    const bus = new RecordingBus();
    await relay(bus).handle(await created(r.events[1]!, 'json'));
    assert.deepEqual(bus.messages.map((m) => m.id), r.events.slice(0, 2).map((e) => e.eventId), 'v1 read from the store, then v2');
    assert.deepEqual(bus.messages.map((m) => m.path), ['core', 'noncritical']);
    await relay(bus).handle([await created(r.events[0]!, 'json'), await created(r.events[2]!, 'json')]);
    assert.deepEqual(bus.messages.map((m) => m.id), r.events.map((e) => e.eventId));
    assert.deepEqual(bus.messages[2]!.envelope.data, { n: 3, list: [[1, 2], { a: null }] }, 'data round-trips through the trigger payload');
  });

  it('ignores other event types and documents outside the events collection', async () => {
    const s = `t1:Order-${randomUUID().slice(0, 8)}`;
    const r = await store.append(s, [{ eventId: randomUUID(), type: 'OrderPlaced', schemaVersion: 1, data: {} }]);
    const ev = await created(r.events[0]!, 'json');
    const bus = new RecordingBus();
    const other = JSON.parse(ev.data as string) as { value: { name: string } };
    other.value.name = other.value.name.replace(`${prefix}events/`, `${prefix}snapshots/`);
    const result = await relay(bus).handle([{ ...ev, type: 'google.cloud.firestore.document.v1.updated' }, { ...ev, data: JSON.stringify(other) }]);
    assert.deepEqual(result, { published: 0, duplicates: 0, ignored: 2 });
    assert.equal(bus.messages.length, 0);
  });

  it('two relay instances racing on the same deliveries keep the order of first deliveries per stream', async () => {
    const s = `t1:Order-${randomUUID().slice(0, 8)}`;
    const r = await store.append(s, Array.from({ length: 6 }, (_, n) => ({ eventId: randomUUID(), type: 'OrderPlaced', schemaVersion: 1, data: { n } })));
    const deliveries = await Promise.all(r.events.map((e) => created(e, 'protobuf')));
    const bus = new RecordingBus();
    const [a, b] = [relay(bus), relay(bus)];
    await Promise.all([
      (async () => { for (const d of deliveries) await a.handle(d); })(),
      (async () => { for (const d of [...deliveries].reverse()) await b.handle(d); })(),
    ]);
    assert.deepEqual(firstOccurrences(bus.messages), r.events.map((e) => e.eventId));
    assert.equal(await checkpoints.get(`relay:stream:${s}`), '6');
  });
});
