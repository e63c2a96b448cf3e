/**
 * The atomic append path of CosmosEventStore at the SDK boundary. cosmosdb-server does not roll
 * back a failed transactional batch, so what real Cosmos DB answers is replayed from recorded
 * REST shapes through the SDK's own HTTP layer (RecordedCosmosHttp): the batch request's shape
 * (one atomic batch, head Replace-IfMatch first, event Creates after), and the translation of
 * 207 multi-status failures (409 on an event item → replay / DuplicateEventError; 412 on the
 * head → ConcurrencyError), 429 (after the SDK's retries, honouring x-ms-retry-after-ms), 413
 * and 503. Every other request goes to cosmosdb-server.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import { CosmosEventStore } from '../../runtime/adapters/azure/CosmosEventStore';
import { isConcurrencyError, isDuplicateEventError, isEventTooLargeError, isUnavailableError, type NewEvent } from '../../runtime/ports';
import { COSMOS_TEST_KEY, useCosmosServer } from '../servers/cosmos';
import { freshContainer } from './cosmosFixture';
import { RecordedCosmosHttp, isBatch, multiStatus } from './recordedCosmosHttp';

const ev = (type = 'ItemAdded'): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data: { n: 1 } });
const stream = (): string => `t1:Order-${randomUUID().slice(0, 8)}`;

describe('CosmosEventStore atomic append at the SDK boundary (recorded Cosmos DB batch responses)', function () {
  this.timeout(60_000);
  const server = useCosmosServer('test/azure/cosmosBatch.int.test.ts (Cosmos transactional batch at the SDK boundary)');
  let http: RecordedCosmosHttp;
  let store: CosmosEventStore;
  let drop: () => Promise<void>;

  beforeEach(async () => {
    http = new RecordedCosmosHttp();
    const client = new CosmosClient({
      endpoint: server().endpoint, key: COSMOS_TEST_KEY, httpClient: http,
      connectionPolicy: { enableEndpointDiscovery: false, retryOptions: { maxRetryAttemptCount: 2, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 5 } },
    });
    const fresh = await freshContainer(server(), 'events', client);
    drop = fresh.drop;
    store = new CosmosEventStore({ container: fresh.container, settleMs: 0, maxAttempts: 3 });
  });
  afterEach(async () => {
    await store.close();
    await drop();
  });

  it('sends ONE atomic batch in the stream partition: head Create/Replace-IfMatch first, then one Create per event', async () => {
    const s = stream();
    const first = [ev(), ev()];
    await store.append(s, first, 'no_stream');
    const [head] = (await store.container.items.query({ query: 'SELECT * FROM c WHERE c.id = "~head"' }, { partitionKey: s }).fetchAll()).resources as Array<{ _etag: string }>;
    const next = [ev(), ev(), ev()];
    await store.append(s, next, 2);
    const [b1, b2] = http.batches();
    assert.ok(b1 && b2 && http.batches().length === 2, 'one batch request per append');
    for (const b of [b1, b2]) {
      assert.equal(b.headers['x-ms-cosmos-batch-atomic'], 'true');
      assert.equal(b.headers['x-ms-documentdb-partitionkey'], JSON.stringify([s]));
      assert.equal(b.method, 'POST');
    }
    const ops1 = b1.body as Array<Record<string, unknown>>;
    assert.deepEqual(ops1.map((o) => o['operationType']), ['Create', 'Create', 'Create']);
    assert.deepEqual(ops1.map((o) => (o['resourceBody'] as { id: string }).id), ['~head', ...first.map((e) => `e:${e.eventId}`)]);
    const ops2 = b2.body as Array<Record<string, unknown>>;
    assert.deepEqual(ops2.map((o) => o['operationType']), ['Replace', 'Create', 'Create', 'Create']);
    assert.equal(ops2[0]!['id'], '~head');
    assert.equal(ops2[0]!['ifMatch'], head!._etag, 'the head is replaced only if its etag is the one read');
    assert.equal((ops2[0]!['resourceBody'] as { version: number }).version, 5);
    assert.deepEqual(ops2.slice(1).map((o) => (o['resourceBody'] as { version: number }).version), [3, 4, 5]);
  });

  it('207 with 409 on an event item (nothing applied): a re-append at the current version is the idempotent replay, the head does not move', async () => {
    const s = stream();
    const batch = [ev(), ev()];
    const first = await store.append(s, batch, 'no_stream');
    await store.append(s, [ev()], 2);
    http.replyTo(isBatch, multiStatus(3, 1, 409));
    const again = await store.append(s, batch, 3);
    assert.equal(again.idempotentReplay, true);
    assert.deepEqual(again.events, first.events);
    assert.equal(http.batches().filter((b) => b.recorded).length, 1, 'the recorded 207 answered the batch');
    assert.equal((await store.streamInfo(s)).version, 3);
    assert.equal((await store.readStream(s)).length, 3);
  });

  it('207 with 409 on an event item after a fresh one: DuplicateEventError naming the stored id, nothing stored', async () => {
    const s = stream();
    const [a, b] = [ev(), ev()];
    await store.append(s, [a, b], 'no_stream');
    const fresh = ev();
    http.replyTo(isBatch, multiStatus(3, 2, 409));
    let caught: unknown;
    await store.append(s, [fresh, a], 2).catch((e: unknown) => (caught = e));
    assert.ok(isDuplicateEventError(caught), `expected DuplicateEventError, got ${String(caught)}`);
    assert.deepEqual([...caught.eventIds], [a.eventId]);
    assert.equal((await store.streamInfo(s)).version, 2);
    assert.equal((await store.append(s, [fresh], 2)).nextVersion, 3, 'the fresh event was not stored by the failed append');
  });

  it('207 with 412 on the head: re-reads the head; a moved stream is ConcurrencyError(expected, actual)', async () => {
    const s = stream();
    await store.append(s, [ev()], 'no_stream');
    // Another writer (a second store, no shared cache) moves the stream to 2.
    const other = new CosmosEventStore({ container: store.container });
    await other.append(s, [ev()], 1);
    let caught: unknown;
    await store.append(s, [ev()], 1).catch((e: unknown) => (caught = e));
    assert.ok(isConcurrencyError(caught), `expected ConcurrencyError, got ${String(caught)}`);
    assert.equal(caught.expected, 1);
    assert.equal(caught.actual, 2);
    // A recorded 412 on a head that did not move: the store re-reads it and the retry lands.
    http.replyTo(isBatch, multiStatus(2, 0, 412));
    const r = await store.append(s, [ev()], 2);
    assert.equal(r.nextVersion, 3);
    assert.deepEqual(http.batches().slice(-2).map((b) => b.recorded), [true, false]);
  });

  it('429 on the batch: the SDK retries after x-ms-retry-after-ms, then UnavailableError (retryable); nothing stored', async () => {
    const s = stream();
    await store.append(s, [ev()], 'no_stream');
    http.replyTo(isBatch, { status: 429, headers: { 'x-ms-retry-after-ms': '5', 'x-ms-substatus': '3200' }, body: { code: 'TooManyRequests', message: 'Message: {"Errors":["Request rate is large."]}' } }, 3);
    let caught: unknown;
    await store.append(s, [ev()], 1).catch((e: unknown) => (caught = e));
    assert.ok(isUnavailableError(caught), `expected UnavailableError, got ${String(caught)}`);
    assert.equal((caught).retryable, true);
    assert.equal(http.batches().filter((b) => b.recorded).length, 3, 'the SDK retried twice (maxRetryAttemptCount 2) before giving up');
    assert.equal((await store.streamInfo(s)).version, 1);
  });

  it('413 RequestEntityTooLarge on the batch: EventTooLargeError for the whole append', async () => {
    const s = stream();
    http.replyTo(isBatch, { status: 413, body: { code: 'RequestEntityTooLarge', message: 'Message: {"Errors":["Request size is too large"]}' } });
    let caught: unknown;
    await store.append(s, [ev()], 'no_stream').catch((e: unknown) => (caught = e));
    assert.ok(isEventTooLargeError(caught), `expected EventTooLargeError, got ${String(caught)}`);
    assert.equal(caught.eventId, undefined);
  });

  it('503 on a point read: UnavailableError naming the container', async () => {
    http.replyTo((r) => r.method === 'GET' && r.url.includes('/docs/'), { status: 503, body: { code: 'ServiceUnavailable', message: 'Service is currently unavailable.' } }, 10);
    let caught: unknown;
    await store.streamInfo(stream()).catch((e: unknown) => (caught = e));
    assert.ok(isUnavailableError(caught), `expected UnavailableError, got ${String(caught)}`);
    assert.match((caught as Error).message, /Cosmos DB events container/);
  });
});
