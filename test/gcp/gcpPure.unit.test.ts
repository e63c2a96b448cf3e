/**
 * Pure parts of the GCP adapters, without servers: position order, SDK error translation on
 * recorded gRPC error shapes (the status codes and messages Firestore and Pub/Sub return),
 * Pub/Sub message and dead-letter encoding, the search push-down, and schema ids.
 */
import assert from 'node:assert/strict';
import { Firestore } from '@google-cloud/firestore';
import { isEventTooLargeError, isInvalidArgumentError, isUnavailableError } from '../../runtime/ports';
import { commitError } from '../../runtime/adapters/gcp/FirestoreEventStore';
import { translateTransient } from '../../runtime/adapters/gcp/googleErrors';
import { formatPosition, parsePosition, toEventDoc, fromEventDoc, eventDocId } from '../../runtime/adapters/gcp/firestoreEventDocs';
import { decodeBusMessage, decodeDeadLetter, encodeBusMessage, encodeDeadLetter } from '../../runtime/adapters/gcp/pubsubMessages';
import { pushDown, toSearchDoc } from '../../runtime/adapters/gcp/firestoreSearchQuery';
import { planQuery, resolveDefinition } from '../../runtime/adapters/local/search/queryPlan';
import { schemaIdOf } from '../../runtime/core/schema/registryRules';
import { canonicalSchema } from '../../runtime/core/schema/avro';
import type { BusMessage } from '../../runtime/ports/EventBus';

/** A gRPC ServiceError as google-gax surfaces it. */
const grpcError = (code: number, details: string): Error => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('GCP adapters: pure parts', () => {
  describe('Firestore event positions', () => {
    it('sort as strings exactly like (time, stream, version), even when one stream id prefixes another', () => {
      const tuples: Array<[number, string, number]> = [
        [1_700_000_000_000, 't:a', 2], [1_700_000_000_000, 't:a', 10], [1_700_000_000_000, 't:a-b', 1],
        [1_700_000_000_000, 't:a.b', 1], [1_700_000_000_001, 't:A', 1], [999, 't:z', 1],
      ];
      const byTuple = [...tuples].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2]);
      const byString = [...tuples].sort((x, y) => (formatPosition(...x) < formatPosition(...y) ? -1 : 1));
      assert.deepEqual(byString, byTuple);
    });

    it('parse back what they format and reject anything else naming the field', () => {
      assert.deepEqual(parsePosition('after', formatPosition(42, 't:Order-1', 7)), { ts: 42, streamId: 't:Order-1', version: 7 });
      for (const bad of ['0000000000000042', 'x!t:Order-1!0000000007', `${formatPosition(1, 't:a', 1)}x`]) {
        assert.throws(() => parsePosition('after', bad), (e: unknown) => isInvalidArgumentError(e) && e.field === 'after');
      }
    });

    it('round-trip an event through its document; document ids keep streams apart', () => {
      const doc = toEventDoc('t:Order-1', 3, 1_700_000_000_123, { eventId: 'e', type: 'T', schemaVersion: 2, data: { list: [[1], { a: null }] } });
      const e = fromEventDoc(doc as unknown as Record<string, unknown>);
      assert.deepEqual(e.data, { list: [[1], { a: null }] });
      assert.deepEqual(e.metadata, {});
      assert.equal(e.recordedAt, '2023-11-14T22:13:20.123Z');
      assert.ok(eventDocId('t:a-b', 1) < eventDocId('t:a', 1) && eventDocId('t:a', 9_999_999_999) < eventDocId('t:a~', 0));
    });
  });

  describe('Firestore commit errors (recorded gRPC shapes)', () => {
    const docs = [toEventDoc('t:Order-1', 1, 1, { eventId: 'e1', type: 'T', schemaVersion: 1, data: {} })];
    it('ALREADY_EXISTS and ABORTED mean a lost race (probe again)', () => {
      assert.equal(commitError(grpcError(6, 'entity already exists: EntityRef{path=/x_events/t:Order-1~0000000001}'), docs), 'lost-race');
      assert.equal(commitError(grpcError(10, 'Too much contention on these documents. Please try again.'), docs), 'lost-race');
    });
    it('a size refusal is EventTooLargeError, another INVALID_ARGUMENT is InvalidArgumentError', () => {
      assert.ok(isEventTooLargeError(commitError(grpcError(3, 'Document \'x\' cannot be written because its size (1,048,577 bytes) exceeds the maximum allowed size of 1,048,576 bytes.'), docs)));
      assert.ok(isInvalidArgumentError(commitError(grpcError(3, 'Property data contains an invalid nested entity.'), docs)));
    });
    it('RESOURCE_EXHAUSTED, UNAVAILABLE and DEADLINE_EXCEEDED are retryable UnavailableError', () => {
      for (const [code, details] of [[8, 'Quota exceeded.'], [14, 'The service is currently unavailable.'], [4, 'Deadline exceeded']] as const) {
        const e = commitError(grpcError(code, details), docs);
        assert.ok(isUnavailableError(e) && e.retryable, `code ${code}`);
      }
    });
    it('transaction contention that outlasts the SDK retries (ABORTED) is retryable UnavailableError elsewhere', () => {
      const e = translateTransient('Firestore checkpoint store', grpcError(10, 'Transaction lock timeout.'));
      assert.ok(isUnavailableError(e) && e.retryable);
      assert.ok(!isUnavailableError(translateTransient('x', grpcError(9, 'FAILED_PRECONDITION: no matching index'))));
    });
  });

  describe('Pub/Sub messages', () => {
    const m: BusMessage = {
      id: 'e-1', partitionKey: 't:Order-1', path: 'core',
      envelope: { specversion: '1.0', id: 'e-1', source: 'nexus', type: 'OrderPlaced', subject: 't:Order-1', data: { n: 1 } },
    };
    it('carry the envelope as data and route with attributes and the ordering key (core path only)', () => {
      const out = encodeBusMessage(m);
      assert.equal(out.orderingKey, 't:Order-1');
      assert.equal(encodeBusMessage({ ...m, path: 'noncritical' }).orderingKey, undefined);
      assert.deepEqual(decodeBusMessage(out.data, out.attributes, 'noncritical'), m);
      assert.equal(encodeBusMessage(m, 'g1').attributes.nexusRedriveGroup, 'g1');
    });
    it('read runtime dead letters and natively forwarded ones (CloudPubSubDeadLetterSource* attributes)', () => {
      const own = encodeDeadLetter({ message: m, group: 'g1', attempts: 3, error: 'boom', deadLetteredAt: '2026-01-01T00:00:00.000Z' });
      assert.deepEqual(decodeDeadLetter('id-1', own.data, own.attributes, 'x', () => undefined), { id: 'id-1', message: m, group: 'g1', attempts: 3, error: 'boom', deadLetteredAt: '2026-01-01T00:00:00.000Z' });
      const raw = encodeBusMessage(m);
      const native = decodeDeadLetter('id-2', raw.data, {
        ...raw.attributes, CloudPubSubDeadLetterSourceSubscription: 'core-g2', CloudPubSubDeadLetterSourceDeliveryCount: '6',
      }, '2026-01-02T00:00:00.000Z', (s) => (s === 'core-g2' ? { group: 'g2', path: 'core' } : undefined));
      assert.equal(native?.group, 'g2');
      assert.equal(native?.attempts, 6);
      assert.deepEqual(native?.message, m);
      assert.match(native.error, /6 deliveries/);
    });
  });

  describe('Firestore search push-down', () => {
    const fields = resolveDefinition({ fields: [{ name: 'status', type: 'keyword' }, { name: 'total', type: 'number' }, { name: 'items', type: 'text' }] });
    it('indexes words and their prefixes of searchable fields only', () => {
      const d = toSearchDoc(fields, { id: 'o-1', status: 'paid', total: 3, items: 'Red widget' });
      assert.deepEqual(d.f, { status: 'paid', total: 3, items: 'Red widget' });
      assert.deepEqual(Object.keys(d.w).sort(), ['red', 'widget']);
      assert.ok(d.p.wid && d.p.r && !d.p.paid);
    });
    it('pushes down equalities, one in and the text terms; leaves ranges, ne and prefix to memory', () => {
      const db = new Firestore({ projectId: 'p', credentials: { client_email: 'x@y.z', private_key: 'unused' } });
      const plan = planQuery(fields, {
        filters: [{ field: 'status', op: 'eq', value: 'paid' }, { field: 'total', op: 'gt', value: 2 }, { field: 'status', op: 'ne', value: 'x' }, { field: 'total', op: 'in', value: [3, 4] }],
        text: 'red wid',
      });
      const proto = (pushDown(db.collection('c'), plan) as unknown as { toProto(): { structuredQuery: { where: unknown } } }).toProto();
      const text = JSON.stringify(proto.structuredQuery.where);
      for (const expected of ['"f.status"', '"f.total"', '"IN"', '"w.red"', '"p.wid"']) assert.ok(text.includes(expected), `${expected} in ${text}`);
      assert.ok(!text.includes('GREATER_THAN') && !text.includes('NOT_EQUAL'), text);
    });
  });

  it('gives one schema id per canonical schema text, positive and 31-bit', () => {
    const a = canonicalSchema('{"type":"record","name":"A","fields":[{"name":"x","type":"string"}]}');
    const b = canonicalSchema('{ "fields": [ {"type":"string","name":"x"} ], "name":"A", "type":"record" }');
    assert.equal(schemaIdOf(a), schemaIdOf(b));
    assert.ok(schemaIdOf(a) > 0 && schemaIdOf(a) < 2 ** 31);
    assert.notEqual(schemaIdOf(a), schemaIdOf(canonicalSchema('{"type":"record","name":"B","fields":[]}')));
  });
});
