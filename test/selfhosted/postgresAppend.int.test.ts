/**
 * PostgresEventStore's one-statement append (ADR 0142) on the machine's PostgreSQL 15, beyond
 * the shared suite: recordedAt stays monotonic in a stream when the writer's clock goes back
 * (computed in SQL now), and writers on separate pools (separate processes, as far as the
 * server can tell) racing on one stream land every event exactly once, contiguously.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../runtime/adapters/selfhosted/PostgresEventStore';
import { isConcurrencyError, type Clock } from '../../runtime/ports';
import { assertContiguous, ev, evs } from '../contracts/eventStore/support';
import { usePostgres } from './pgFixture';

describe('PostgresEventStore append (ADR 0142) on PostgreSQL 15', function () {
  this.timeout(60_000);
  const pg = usePostgres('PostgresEventStore append (test/selfhosted/postgresAppend.int.test.ts)');
  const schema = `a_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

  it('keeps recordedAt monotonic in a stream when the clock goes back, and stamps the clock otherwise', async () => {
    let now = Date.parse('2030-01-01T00:00:10.250Z');
    const clock: Clock = { now: () => new Date(now) };
    const store = new PostgresEventStore({ connection: pg.connect(schema), clock });
    try {
      const s = `t1:Order-${randomUUID()}`;
      const first = await store.append(s, [ev()], 'no_stream');
      assert.equal(first.events[0]!.recordedAt, '2030-01-01T00:00:10.250Z');
      now -= 5_000;
      const back = await store.append(s, evs(2), 1);
      assert.deepEqual(back.events.map((e) => e.recordedAt), ['2030-01-01T00:00:10.250Z', '2030-01-01T00:00:10.250Z'], 'not before the head');
      const other = await store.append(`t1:Order-${randomUUID()}`, [ev()], 'no_stream');
      assert.equal(other.events[0]!.recordedAt, '2030-01-01T00:00:05.250Z', 'another stream takes the clock as it is');
      now += 10_000;
      const forward = await store.append(s, [ev()], 3);
      assert.equal(forward.events[0]!.recordedAt, '2030-01-01T00:00:15.250Z');
      assert.deepEqual((await store.readStream(s)).map((e) => e.recordedAt), [
        '2030-01-01T00:00:10.250Z', '2030-01-01T00:00:10.250Z', '2030-01-01T00:00:10.250Z', '2030-01-01T00:00:15.250Z',
      ]);
    } finally {
      await store.close();
    }
  });

  it('writers on four pools racing on one stream land every event once, contiguously, each append in one piece', async () => {
    const stores = Array.from({ length: 4 }, () => new PostgresEventStore({ connection: pg.connect(schema) }));
    try {
      const s = `t1:Order-${randomUUID()}`;
      let conflicts = 0;
      const results = await Promise.all(Array.from({ length: 8 }, async (_, w) => {
        const store = stores[w % stores.length]!;
        const mine = [];
        for (let i = 0; i < 10; i++) {
          const batch = evs(1 + ((w + i) % 3));
          if (i % 2 === 0) {
            mine.push(await store.append(s, batch, 'any'));
            continue;
          }
          for (;;) {
            const { version } = await store.streamInfo(s);
            try {
              mine.push(await store.append(s, batch, version));
              break;
            } catch (err) {
              assert.ok(isConcurrencyError(err), `expected ConcurrencyError, got ${String(err)}`);
              assert.ok(err.actual > version, `actual ${err.actual} is past expected ${version}`);
              conflicts++;
            }
          }
        }
        return mine;
      }));
      const all = results.flat();
      const total = all.reduce((n, r) => n + r.events.length, 0);
      const stored = await stores[0]!.readStream(s);
      assertContiguous(stored, total, s);
      for (const r of all) {
        assert.deepEqual(stored.slice(r.nextVersion - r.events.length, r.nextVersion), r.events, 'each append is contiguous and returned as stored');
      }
      assert.ok(conflicts > 0, 'the race actually happened');
    } finally {
      await Promise.all(stores.map((x) => x.close()));
    }
  });
});
