/**
 * EventStore conformance: readAll order and checkpoint resume. Pages are small so that every
 * boundary is crossed; only the streams a case wrote are looked at.
 */
import assert from 'node:assert/strict';
import { isInvalidArgumentError, type StoredEvent } from '../../../runtime/ports';
import { assertOncePerStreamOrder, endCheckpoint, ev, evs, readAllOf, rejects, sleep, type Ctx } from './support';

export function readAllCases(ctx: () => Ctx): void {
  describe('readAll', () => {
    it('returns every committed event once, in per-stream version order, as stored', async () => {
      const { store, stream, opts } = ctx();
      const since = await endCheckpoint(store);
      const streams = [stream(), stream('Customer'), stream('Invoice')];
      const written: StoredEvent[] = [];
      for (let round = 0; round < 3; round++) {
        for (const s of streams) written.push(...(await store.append(s, evs(round + 1))).events);
      }
      const { events } = await readAllOf(store, new Set(streams), since, 1000);
      assertOncePerStreamOrder(events);
      assert.equal(events.length, written.length);
      const byId = new Map(written.map((e) => [e.eventId, e]));
      for (const e of events) assert.deepEqual(e, byId.get(e.eventId), 'readAll returns the event as append stored it');
      const small = await readAllOf(store, new Set(streams), since, opts.pageSize);
      assert.deepEqual(small.events, events, 'small pages see the same sequence as one big page');
      assert.ok(small.pages >= Math.ceil(written.length / opts.pageSize), 'paging actually happened');
    });

    it('resumes from a checkpoint without repeats or skips, and reports the end', async () => {
      const { store, stream, opts } = ctx();
      const since = await endCheckpoint(store);
      const s1 = stream();
      const s2 = stream();
      await store.append(s1, evs(4));
      await store.append(s2, evs(3));
      const first = await readAllOf(store, new Set([s1, s2]), since, opts.pageSize);
      assert.equal(first.events.length, 7);
      const again = await store.readAll({ after: first.checkpoint, limit: opts.pageSize });
      assert.deepEqual(again.events, [], 'nothing after the end');
      assert.equal(again.checkpoint, first.checkpoint, 'checkpoint unchanged when nothing new');
      assert.equal(again.isEnd, true);
      await store.append(s2, evs(2), 3);
      await store.append(s1, evs(1), 4);
      const next = await readAllOf(store, new Set([s1, s2]), first.checkpoint, opts.pageSize);
      assert.deepEqual(next.events.map((e) => `${e.streamId === s1 ? 1 : 2}v${e.version}`).sort(), ['1v5', '2v4', '2v5']);
      assertOncePerStreamOrder([...first.events, ...next.events]);
    });

    it('accepts an event position as a checkpoint and resumes right after that event', async () => {
      const { store, stream } = ctx();
      const since = await endCheckpoint(store);
      const s = stream();
      const r = await store.append(s, evs(5));
      const { events } = await readAllOf(store, new Set([s]), r.events[1]!.position, 2);
      assert.deepEqual(events.map((e) => e.version), [3, 4, 5]);
      const fromAppend = await readAllOf(store, new Set([s]), r.position, 2);
      assert.deepEqual(fromAppend.events, [], 'AppendResult.position is the last event: nothing after it');
      const whole = await readAllOf(store, new Set([s]), since, 2);
      assert.deepEqual(whole.events.map((e) => e.position), r.events.map((e) => e.position));
    });

    it('rejects a checkpoint the store never issued with InvalidArgumentError(after)', async () => {
      const { store } = ctx();
      const err = await rejects(store.readAll({ after: 'not-a-checkpoint/../x' }), isInvalidArgumentError, 'InvalidArgumentError');
      assert.equal(err.field, 'after');
    });

    it('a tail reader running alongside writers sees every event exactly once, in per-stream order', async function () {
      const { store, stream, opts } = ctx();
      this.timeout(opts.slowTimeoutMs);
      const since = await endCheckpoint(store);
      const streams = Array.from({ length: Math.max(2, Math.ceil(opts.writers / 2)) }, () => stream());
      const expected = new Set<string>();
      let writing = true;
      const writers = Array.from({ length: opts.writers }, async (_, w) => {
        const s = streams[w % streams.length]!;
        for (let i = 0; i < opts.eventsPerWriter; i++) {
          const e = ev('Tick', { w, i });
          expected.add(e.eventId);
          await store.append(s, [e], 'any');
          await sleep(1);
        }
      });
      const seen: StoredEvent[] = [];
      const ours = new Set(streams);
      const reader = (async () => {
        let after = since;
        const deadline = Date.now() + opts.slowTimeoutMs - 2_000;
        for (;;) {
          const page = await store.readAll({ after, limit: opts.pageSize });
          seen.push(...page.events.filter((e) => ours.has(e.streamId)));
          after = page.checkpoint;
          if (!writing && page.isEnd && seen.length >= expected.size) return;
          if (Date.now() > deadline) return;
          if (page.isEnd) await sleep(2);
        }
      })();
      await Promise.all(writers);
      writing = false;
      await reader;
      assertOncePerStreamOrder(seen);
      assert.deepEqual(new Set(seen.map((e) => e.eventId)), expected, 'the tail reader saw exactly the written events');
    });
  });
}
