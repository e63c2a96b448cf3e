/**
 * recordedAt comes from the clock as the caller sees it, even when the append runs inside another
 * writer's group commit: the migration's ReplayClock answers per async context, and a rehearsal
 * once stored events stamped with a neighbour's time (a "hash differs" report at the SQLite hop).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCheckpointStore } from '../../runtime/adapters/local/SqliteCheckpointStore';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { ReplayClock } from '../../runtime/core/migration/replayClock';
import { ev } from '../contracts/eventStore/support';

describe('SQLite event store: a context-bound clock under group commit', () => {
  it('stamps each concurrent append with the time of its own context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-ctxclock-'));
    const path = join(dir, 'events.db');
    const clock = new ReplayClock();
    const store = new SqliteEventStore({ path, clock });
    // A second store on the file: writers now share one connection and its group commits.
    const checkpoints = new SqliteCheckpointStore({ path });
    try {
      const times = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString());
      await Promise.all(times.map((t, i) => clock.at(t, () => store.append(`acme:Order-${i}`, [ev('OrderNoted', { i })]))));
      for (let i = 0; i < times.length; i++) {
        const [e] = await store.readStream(`acme:Order-${i}`);
        assert.equal(e?.recordedAt, times[i], `stream ${i} stamped with its own replayed time`);
      }
    } finally {
      await checkpoints.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
