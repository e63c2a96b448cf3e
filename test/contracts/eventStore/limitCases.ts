/**
 * EventStore conformance: documented limits and bad input. Every rejected append must store
 * nothing — proved through readStream, streamInfo and readAll, not just the thrown error.
 */
import assert from 'node:assert/strict';
import {
  MAX_APPEND_BYTES, MAX_EVENTS_PER_APPEND, MAX_EVENT_BYTES, eventSize, isEventTooLargeError, isInvalidArgumentError,
  type EventStore, type NewEvent,
} from '../../../runtime/ports';
import { endCheckpoint, ev, eventOfSize, evs, readAllOf, rejects, type Ctx } from './support';

/** Asserts the stream still holds exactly `version` events and readAll saw nothing new of it. */
async function assertNothingStored(store: EventStore, streamId: string, version: number, since: string | undefined): Promise<void> {
  const info = await store.streamInfo(streamId);
  assert.equal(info.version, version, `stream ${streamId} moved to version ${info.version}`);
  assert.equal(info.exists, version > 0);
  assert.equal((await store.readStream(streamId)).length, version);
  const { events } = await readAllOf(store, new Set([streamId]), since, 1000);
  assert.equal(events.length, 0, `readAll shows ${events.length} event(s) of the rejected append`);
}

export function limitCases(ctx: () => Ctx): void {
  describe('limits and bad input', () => {
    it(`accepts an event of exactly MAX_EVENT_BYTES (${MAX_EVENT_BYTES}) and returns it unchanged`, async function () {
      this.timeout(ctx().opts.slowTimeoutMs);
      const { store, stream } = ctx();
      const s = stream();
      const big = eventOfSize(MAX_EVENT_BYTES);
      assert.equal(eventSize(big), MAX_EVENT_BYTES);
      await store.append(s, [big], 'no_stream');
      const [stored] = await store.readStream(s);
      assert.deepEqual(stored?.data, big.data);
    });

    it('rejects an event one byte past MAX_EVENT_BYTES with EventTooLargeError, storing nothing', async function () {
      this.timeout(ctx().opts.slowTimeoutMs);
      const { store, stream } = ctx();
      const s = stream();
      const since = await endCheckpoint(store);
      const big = eventOfSize(MAX_EVENT_BYTES + 1);
      const err = await rejects(store.append(s, [big], 'no_stream'), isEventTooLargeError, 'EventTooLargeError');
      assert.equal(err.size, MAX_EVENT_BYTES + 1);
      assert.equal(err.limit, MAX_EVENT_BYTES);
      assert.equal(err.eventId, big.eventId);
      assert.ok(err.message.includes(big.eventId));
      await assertNothingStored(store, s, 0, since);
    });

    it('is atomic: an oversize event in the middle of an append stores none of its events', async function () {
      this.timeout(ctx().opts.slowTimeoutMs);
      const { store, stream } = ctx();
      const s = stream();
      await store.append(s, evs(2), 'no_stream');
      const since = await endCheckpoint(store);
      const batch = [ev(), ev(), eventOfSize(MAX_EVENT_BYTES + 1), ev()];
      await rejects(store.append(s, batch, 2), isEventTooLargeError, 'EventTooLargeError');
      await assertNothingStored(store, s, 2, since);
      const r = await store.append(s, [batch[0]!, batch[1]!], 2);
      assert.equal(r.idempotentReplay, false, 'the valid events of the failed append were not stored');
      assert.equal(r.nextVersion, 4);
    });

    it(`accepts MAX_EVENTS_PER_APPEND (${MAX_EVENTS_PER_APPEND}) events in one append, all or nothing`, async function () {
      this.timeout(ctx().opts.slowTimeoutMs);
      const { store, stream } = ctx();
      const s = stream();
      const r = await store.append(s, evs(MAX_EVENTS_PER_APPEND), 'no_stream');
      assert.equal(r.nextVersion, MAX_EVENTS_PER_APPEND);
      const read = await store.readStream(s);
      assert.deepEqual(read.map((e) => e.version), Array.from({ length: MAX_EVENTS_PER_APPEND }, (_, i) => i + 1));
    });

    it('rejects one event more than MAX_EVENTS_PER_APPEND with InvalidArgumentError(events), storing nothing', async () => {
      const { store, stream } = ctx();
      const s = stream();
      const since = await endCheckpoint(store);
      const err = await rejects(store.append(s, evs(MAX_EVENTS_PER_APPEND + 1), 'no_stream'), isInvalidArgumentError, 'InvalidArgumentError');
      assert.equal(err.field, 'events');
      assert.match(err.message, new RegExp(String(MAX_EVENTS_PER_APPEND)));
      await assertNothingStored(store, s, 0, since);
    });

    it(`accepts an append of exactly MAX_APPEND_BYTES and rejects one byte more (EventTooLargeError), storing nothing`, async function () {
      this.timeout(ctx().opts.slowTimeoutMs);
      const { store, stream } = ctx();
      // 20 events of ~52 KB (each under MAX_EVENT_BYTES) whose sizes add up to the limit exactly.
      const count = 20;
      const per = Math.floor(MAX_APPEND_BYTES / count);
      const rest = MAX_APPEND_BYTES - per * count;
      assert.ok(per + rest + 1 <= MAX_EVENT_BYTES);
      const sized = (extra: number) => Array.from({ length: count }, (_, i) => eventOfSize(per + (i === 0 ? extra : 0)));
      const s1 = stream();
      assert.equal((await store.append(s1, sized(rest), 'no_stream')).nextVersion, count);
      const s2 = stream();
      const since = await endCheckpoint(store);
      const over = sized(rest + 1);
      const err = await rejects(store.append(s2, over, 'no_stream'), isEventTooLargeError, 'EventTooLargeError for the whole append');
      assert.equal(err.eventId, undefined);
      assert.equal(err.size, MAX_APPEND_BYTES + 1);
      assert.equal(err.limit, MAX_APPEND_BYTES);
      await assertNothingStored(store, s2, 0, since);
    });

    const badStreamIds = ['', 'has space', 'a/b', 'x#y', 'q?x', 'back\\slash', '-leading-dash', 'x'.repeat(201)];
    it('rejects invalid stream ids with InvalidArgumentError(streamId), storing nothing', async () => {
      const { store } = ctx();
      const since = await endCheckpoint(store);
      for (const id of badStreamIds) {
        const err = await rejects(store.append(id, [ev()], 'any'), isInvalidArgumentError, `InvalidArgumentError for stream id ${JSON.stringify(id)}`);
        assert.equal(err.field, 'streamId');
      }
      const page = await store.readAll({ after: since, limit: 1000 });
      assert.deepEqual(page.events.map((e) => e.streamId).filter((id) => badStreamIds.includes(id)), []);
    });

    const badEvents: Array<[string, (e: NewEvent) => unknown, string]> = [
      ['empty event id', (e) => ({ ...e, eventId: '' }), 'events[1].eventId'],
      ['event id over 128 characters', (e) => ({ ...e, eventId: 'e'.repeat(129) }), 'events[1].eventId'],
      ['type starting with a digit', (e) => ({ ...e, type: '1Placed' }), 'events[1].type'],
      ['empty type', (e) => ({ ...e, type: '' }), 'events[1].type'],
      ['schemaVersion 0', (e) => ({ ...e, schemaVersion: 0 }), 'events[1].schemaVersion'],
      ['fractional schemaVersion', (e) => ({ ...e, schemaVersion: 1.5 }), 'events[1].schemaVersion'],
      ['null data', (e) => ({ ...e, data: null }), 'events[1].data'],
      ['array data', (e) => ({ ...e, data: [1, 2] }), 'events[1].data'],
      ['string data', (e) => ({ ...e, data: 'text' }), 'events[1].data'],
    ];
    for (const [what, mutate, field] of badEvents) {
      it(`rejects an append whose 2nd event has ${what} with InvalidArgumentError(${field}), storing nothing`, async () => {
        const { store, stream } = ctx();
        const s = stream();
        await store.append(s, [ev()], 'no_stream');
        const since = await endCheckpoint(store);
        const batch = [ev(), mutate(ev()) as NewEvent, ev()];
        const err = await rejects(store.append(s, batch, 1), isInvalidArgumentError, 'InvalidArgumentError');
        assert.equal(err.field, field);
        assert.ok(err.message.startsWith(`${field}:`), `message names the field: ${err.message}`);
        await assertNothingStored(store, s, 1, since);
      });
    }

    it('rejects an empty append and an append repeating one event id, storing nothing', async () => {
      const { store, stream } = ctx();
      const s = stream();
      const since = await endCheckpoint(store);
      const empty = await rejects(store.append(s, [], 'any'), isInvalidArgumentError, 'InvalidArgumentError');
      assert.equal(empty.field, 'events');
      const e = ev();
      const twice = await rejects(store.append(s, [e, { ...e, type: 'Again' }], 'any'), isInvalidArgumentError, 'InvalidArgumentError');
      assert.equal(twice.field, 'events[1].eventId');
      await assertNothingStored(store, s, 0, since);
    });
  });
}
