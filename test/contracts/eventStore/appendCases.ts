/** EventStore conformance: appends, expected versions, conflicts, idempotent re-append. */
import assert from 'node:assert/strict';
import { isConcurrencyError, isDuplicateEventError } from '../../../runtime/ports';
import { ISO_UTC, ev, evs, rejects, type Ctx } from './support';

export function appendCases(ctx: () => Ctx): void {
  describe('append', () => {
    it('appends to a new stream and reports versions, positions and the stored events', async () => {
      const { store, stream } = ctx();
      const s = stream();
      const input = evs(3);
      const r = await store.append(s, input, 'no_stream');
      assert.equal(r.streamId, s);
      assert.equal(r.nextVersion, 3);
      assert.equal(r.idempotentReplay, false);
      assert.deepEqual(r.events.map((e) => e.version), [1, 2, 3]);
      assert.deepEqual(r.events.map((e) => e.eventId), input.map((e) => e.eventId));
      assert.equal(r.position, r.events[2]!.position);
      assert.equal(new Set(r.events.map((e) => e.position)).size, 3, 'positions are distinct');
      assert.deepEqual(await store.readStream(s), r.events);
      const info = await store.streamInfo(s);
      assert.equal(info.exists, true);
      assert.equal(info.version, 3);
    });

    it('round-trips every stored field: data, metadata, schemaVersion, recordedAt as ISO-8601 UTC', async () => {
      const { store, stream, opts } = ctx();
      const s = stream();
      const data = { text: 'Grüße, 世界 "quoted" \\ back', n: 42.5, neg: -1, ok: true, none: null, list: [1, 'two', { three: 3 }], nested: { a: { b: [] } } };
      const metadata = {
        correlationId: 'corr-1', causationId: 'cause-1', tenant: 't1', actor: 'user:7',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', commandId: 'cmd-1', custom: 'x',
      };
      const before = Date.now();
      const r = await store.append(s, [ev('OrderPlaced', data, { schemaVersion: 3, metadata })], 'no_stream');
      const after = Date.now();
      const [stored] = await store.readStream(s);
      assert.ok(stored);
      assert.deepEqual(stored.data, data);
      assert.deepEqual(stored.metadata, metadata);
      assert.equal(stored.schemaVersion, 3);
      assert.equal(stored.type, 'OrderPlaced');
      assert.equal(stored.eventId, r.events[0]!.eventId);
      assert.equal(stored.streamId, s);
      assert.equal(typeof stored.position, 'string');
      assert.match(stored.recordedAt, ISO_UTC);
      const t = Date.parse(stored.recordedAt);
      assert.ok(
        t >= before - opts.clockSkewMs && t <= after + opts.clockSkewMs,
        `recordedAt ${stored.recordedAt} is not between ${new Date(before).toISOString()} and ${new Date(after).toISOString()} (skew ${opts.clockSkewMs} ms)`,
      );
      assert.deepEqual(stored, r.events[0]);
    });

    it('stores metadata as {} when the writer gives none', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await store.append(s, [ev()]);
      const [stored] = await store.readStream(s);
      assert.deepEqual(stored?.metadata, {});
    });

    it("honours expected versions: 'any', 'no_stream', 0 and exact numbers", async () => {
      const { store, stream } = ctx();
      const a = stream();
      assert.equal((await store.append(a, [ev()], 'any')).nextVersion, 1);
      assert.equal((await store.append(a, [ev()], 'any')).nextVersion, 2);
      assert.equal((await store.append(a, [ev()])).nextVersion, 3, 'expected defaults to any');
      assert.equal((await store.append(a, evs(2), 3)).nextVersion, 5);
      const b = stream();
      assert.equal((await store.append(b, [ev()], 0)).nextVersion, 1, '0 means the stream must not exist');
    });

    it('rejects a wrong expected version with ConcurrencyError naming expected and actual, storing nothing', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await store.append(s, evs(2), 'no_stream');
      const cases: Array<[number | 'no_stream', RegExp]> = [[1, /expected version 1, found 2/], [5, /expected version 5, found 2/], ['no_stream', /no_stream.*found 2/], [0, /expected version 0, found 2/]];
      for (const [expected, message] of cases) {
        const err = await rejects(store.append(s, [ev()], expected), isConcurrencyError, `ConcurrencyError for expected ${expected}`);
        assert.equal(err.streamId, s);
        assert.equal(err.expected, expected);
        assert.equal(err.actual, 2);
        assert.equal(err.retryable, true);
        assert.match(err.message, message);
        assert.ok(err.message.includes(s), 'the message names the stream');
      }
      const unknown = stream();
      const err = await rejects(store.append(unknown, [ev()], 3), isConcurrencyError, 'ConcurrencyError on an absent stream');
      assert.equal(err.actual, 0);
      assert.equal((await store.streamInfo(s)).version, 2);
      assert.equal((await store.readStream(s)).length, 2);
      assert.equal((await store.streamInfo(unknown)).exists, false);
    });

    it('still accepts an append at the true version after conflicts (no half-committed bump)', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await store.append(s, [ev()], 'no_stream');
      for (let i = 0; i < 3; i++) {
        await rejects(store.append(s, [ev()], 'no_stream'), isConcurrencyError, 'ConcurrencyError');
        await rejects(store.append(s, evs(2), 0), isConcurrencyError, 'ConcurrencyError');
        const info = await store.streamInfo(s);
        const r = await store.append(s, [ev()], info.version);
        assert.equal(r.nextVersion, info.version + 1);
      }
      const all = await store.readStream(s);
      assert.deepEqual(all.map((e) => e.version), [1, 2, 3, 4]);
    });

    it('re-appending the same event ids is idempotent whatever the expected version', async () => {
      const { store, stream } = ctx();
      const s = stream();
      const batch = evs(2);
      const first = await store.append(s, batch, 'no_stream');
      const later = await store.append(s, [ev()], 2);
      for (const expected of ['no_stream', 0, 1, 2, 3, 'any', undefined] as const) {
        const again = await store.append(s, batch, expected);
        assert.equal(again.idempotentReplay, true, `replay with expected ${String(expected)}`);
        assert.equal(again.nextVersion, first.nextVersion);
        assert.equal(again.position, first.position);
        assert.deepEqual(again.events, first.events, 'the events as first stored');
      }
      const single = await store.append(s, [{ ...batch[1]! }], 'any');
      assert.equal(single.idempotentReplay, true);
      assert.equal(single.nextVersion, 2);
      const tail = await store.append(s, [ev('Other', {}, { eventId: later.events[0]!.eventId })], 0);
      assert.equal(tail.idempotentReplay, true, 'replay is decided by event id');
      assert.equal(tail.nextVersion, 3);
      assert.equal((await store.streamInfo(s)).version, 3, 'nothing new stored');
      assert.equal((await store.readStream(s)).length, 3);
    });

    it('rejects a partial overlap with already stored ids (DuplicateEventError), storing nothing', async () => {
      const { store, stream } = ctx();
      const s = stream();
      const [a, b] = evs(2);
      await store.append(s, [a!, b!], 'no_stream');
      const fresh = ev();
      const err = await rejects(store.append(s, [fresh, a!], 2), isDuplicateEventError, 'DuplicateEventError');
      assert.equal(err.streamId, s);
      assert.deepEqual([...err.eventIds], [a!.eventId]);
      assert.ok(err.message.includes(a!.eventId));
      await rejects(store.append(s, [b!, a!], 'any'), isDuplicateEventError, 'DuplicateEventError for the same ids in another order');
      assert.equal((await store.streamInfo(s)).version, 2);
      assert.equal((await store.readStream(s)).length, 2);
      const ok = await store.append(s, [fresh], 2);
      assert.equal(ok.nextVersion, 3, 'the fresh event was not stored by the failed append');
    });

    it('keeps streams independent', async () => {
      const { store, stream } = ctx();
      const a = stream();
      const b = stream('Customer');
      await store.append(a, evs(3), 'no_stream');
      const rb = await store.append(b, evs(1), 'no_stream');
      assert.equal(rb.nextVersion, 1);
      assert.equal((await store.streamInfo(a)).version, 3);
      assert.ok((await store.readStream(b)).every((e) => e.streamId === b));
    });
  });
}
