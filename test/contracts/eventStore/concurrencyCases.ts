/**
 * EventStore conformance under contention: many writers racing on one stream. Exactly one wins
 * per version, losers get ConcurrencyError naming expected and actual, the stream ends with no
 * gaps and no duplicates, and racing re-appends of the same ids are idempotent.
 */
import assert from 'node:assert/strict';
import { isConcurrencyError, isRetryable, type AppendResult, type EventStore, type NewEvent, type ExpectedVersion } from '../../../runtime/ports';
import { assertContiguous, ev, type Ctx, type ResolvedOptions } from './support';

type Outcome = { ok: AppendResult } | { err: unknown };

async function attempt(store: EventStore, s: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<Outcome> {
  try {
    return { ok: await store.append(s, events, expected) };
  } catch (err) {
    return { err };
  }
}

function describeErr(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** A loser's error: ConcurrencyError, or (when the adapter's options allow it) a retryable error. */
function assertContentionError(err: unknown, opts: ResolvedOptions): void {
  if (isConcurrencyError(err)) return;
  assert.ok(opts.allowRetryableContention && isRetryable(err), `a racing writer got ${describeErr(err)}, expected ConcurrencyError`);
}

export function concurrencyCases(ctx: () => Ctx): void {
  describe('concurrency', () => {
    it('many writers race for each version: exactly one wins, losers get ConcurrencyError(expected, actual)', async function () {
      const { store, stream, opts } = ctx();
      this.timeout(opts.slowTimeoutMs);
      const s = stream();
      const winners: NewEvent[] = [];
      for (let round = 0; round < opts.rounds; round++) {
        const proposals = Array.from({ length: opts.writers }, (_, w) => ev('Raced', { round, w }));
        const outcomes = await Promise.all(proposals.map((e) => attempt(store, s, [e], round === 0 ? 'no_stream' : round)));
        const won = outcomes.flatMap((o, w) => ('ok' in o ? [w] : []));
        assert.equal(won.length, 1, `round ${round}: ${won.length} writers won`);
        winners.push(proposals[won[0]!]!);
        for (const o of outcomes) {
          if ('ok' in o) {
            assert.equal(o.ok.nextVersion, round + 1);
            continue;
          }
          assertContentionError(o.err, opts);
          if (isConcurrencyError(o.err)) {
            assert.equal(o.err.expected, round === 0 ? 'no_stream' : round);
            assert.equal(o.err.actual, round + 1, `round ${round}: the loser is told the version the winner reached`);
          }
        }
      }
      const events = await store.readStream(s);
      assertContiguous(events, opts.rounds, s);
      assert.deepEqual(events.map((e) => e.eventId), winners.map((e) => e.eventId));
    });

    it('writers that reload and retry on conflict all land, with no gaps and no duplicates', async function () {
      const { store, stream, opts } = ctx();
      this.timeout(opts.slowTimeoutMs);
      const s = stream();
      const writers = Array.from({ length: opts.writers }, async (_, w) => {
        for (let i = 0; i < opts.eventsPerWriter; i++) {
          const e = ev('Landed', { w, i });
          for (let tries = 0; ; tries++) {
            assert.ok(tries < 10_000, `writer ${w} never landed`);
            const { version } = await store.streamInfo(s);
            const o = await attempt(store, s, [e], version);
            if ('ok' in o) {
              assert.ok(o.ok.nextVersion > version);
              break;
            }
            assertContentionError(o.err, opts);
            if (isConcurrencyError(o.err)) {
              assert.equal(o.err.expected, version);
              assert.notEqual(o.err.actual, version, 'actual differs from expected');
            }
          }
        }
      });
      await Promise.all(writers);
      const total = opts.writers * opts.eventsPerWriter;
      const events = await store.readStream(s);
      assertContiguous(events, total, s);
      for (let w = 0; w < opts.writers; w++) {
        const mine = events.filter((e) => e.data['w'] === w).map((e) => e.data['i']);
        assert.deepEqual(mine, Array.from({ length: opts.eventsPerWriter }, (_, i) => i), `writer ${w}'s events in its own order`);
      }
    });

    it("concurrent appends with expected 'any' all succeed, each at its own version", async function () {
      const { store, stream, opts } = ctx();
      this.timeout(opts.slowTimeoutMs);
      const s = stream();
      const results = await Promise.all(Array.from({ length: opts.writers }, (_, w) => store.append(s, [ev('Any', { w }), ev('Any', { w })], 'any')));
      const ends = results.map((r) => r.nextVersion).sort((a, b) => a - b);
      assert.deepEqual(ends, Array.from({ length: opts.writers }, (_, i) => 2 * (i + 1)));
      const events = await store.readStream(s);
      assertContiguous(events, 2 * opts.writers, s);
      for (const r of results) {
        assert.deepEqual(events.slice(r.nextVersion - 2, r.nextVersion).map((e) => e.eventId), r.events.map((e) => e.eventId), 'an append stays contiguous');
      }
    });

    it('racing re-appends of the same event ids store them once; the others get the idempotent replay', async function () {
      const { store, stream, opts } = ctx();
      this.timeout(opts.slowTimeoutMs);
      const s = stream();
      const batch = [ev('Placed'), ev('Paid')];
      const outcomes = await Promise.all(Array.from({ length: opts.writers }, () => attempt(store, s, batch, 'no_stream')));
      const results = outcomes.flatMap((o) => ('ok' in o ? [o.ok] : []));
      for (const o of outcomes) if ('err' in o) assertContentionError(o.err, opts);
      assert.equal(results.filter((r) => !r.idempotentReplay).length, 1, 'exactly one writer stored the events');
      const first = results.find((r) => !r.idempotentReplay)!;
      for (const r of results) assert.deepEqual(r.events, first.events);
      if (!opts.allowRetryableContention) assert.equal(results.length, opts.writers, 'every writer got a result');
      assertContiguous(await store.readStream(s), 2, s);
    });

    it('writers on different streams never conflict', async function () {
      const { store, stream, opts } = ctx();
      this.timeout(opts.slowTimeoutMs);
      const streams = Array.from({ length: opts.writers }, () => stream());
      const results = await Promise.all(streams.map((s) => store.append(s, [ev()], 'no_stream')));
      assert.ok(results.every((r) => r.nextVersion === 1 && !r.idempotentReplay));
    });
  });
}
