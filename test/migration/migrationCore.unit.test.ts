/**
 * The migration core without servers (in-memory stores): canonical hashing ignores key order but
 * not content, the replay clock keeps concurrent imports apart, AppendImporter keeps versions and
 * times, skips what is present and refuses gaps or foreign events, batches follow the source's
 * appends, the copy resumes from its checkpoint, and verification names every differing stream.
 */
import assert from 'node:assert/strict';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemorySnapshotStore } from '../../runtime/adapters/local/InMemorySnapshotStore';
import {
  AppendImporter, ReplayClock, appendBatches, canonicalJson, copyEvents, dryRun, verifyMigration,
} from '../../runtime/core/migration';
import { ManualClock, type StoredEvent } from '../../runtime/ports';
import { isImportConflictError } from '../../runtime/ports/EventImport';
import { ev } from '../contracts/eventStore/support';

async function sourceWith(streams: number, perStream: number): Promise<InMemoryEventStore> {
  const clock = new ManualClock(new Date('2026-02-01T00:00:00.000Z'));
  const store = new InMemoryEventStore({ clock });
  for (let v = 0; v < perStream; v++) {
    for (let s = 0; s < streams; s++) {
      clock.advance(3);
      await store.append(`t1:Order-${s}`, [ev('ItemAdded', { s, v, nested: { b: 1, a: [2, 3] } }, { metadata: { tenant: 't1', actor: `u${s}` } })], v);
    }
  }
  return store;
}

function target(): { store: InMemoryEventStore; clock: ReplayClock; importer: AppendImporter; checkpoints: InMemoryCheckpointStore } {
  const clock = new ReplayClock();
  const store = new InMemoryEventStore({ clock });
  return { store, clock, importer: new AppendImporter(store, clock), checkpoints: new InMemoryCheckpointStore() };
}

const all = async (store: InMemoryEventStore, streamId: string): Promise<StoredEvent[]> => store.readStream(streamId);

describe('migration core', () => {
  it('canonical JSON sorts keys at every level and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
    assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
  });

  it('the replay clock answers the replayed time inside at() only, per async context', async () => {
    const clock = new ReplayClock(new ManualClock(new Date('2030-01-01T00:00:00.000Z')));
    const [a, b] = await Promise.all([
      clock.at('2026-01-01T00:00:00.001Z', async () => { await new Promise((r) => setTimeout(r, 5)); return clock.now().toISOString(); }),
      clock.at('2026-06-01T00:00:00.002Z', async () => clock.now().toISOString()),
    ]);
    assert.equal(a, '2026-01-01T00:00:00.001Z');
    assert.equal(b, '2026-06-01T00:00:00.002Z');
    assert.equal(clock.now().toISOString(), '2030-01-01T00:00:00.000Z');
  });

  it('batches follow the source appends (same recordedAt) within the port limits', () => {
    const e = (version: number, recordedAt: string) => ({ ...ev(), streamId: 's', version, position: '1', recordedAt, metadata: {} });
    const batches = appendBatches([e(1, 'A'), e(2, 'A'), e(3, 'B'), ...Array.from({ length: 60 }, (_, i) => e(4 + i, 'C'))]);
    assert.deepEqual(batches.map((b) => b.length), [2, 1, 50, 10]);
  });

  it('imports keep ids, versions, times and metadata; a re-run skips; gaps and foreign events are refused', async () => {
    const source = await sourceWith(1, 4);
    const events = await all(source, 't1:Order-0');
    const t = target();
    assert.deepEqual(await t.importer.importEvents('t1:Order-0', events.slice(0, 2)), { imported: 2, skipped: 0 });
    assert.deepEqual(await t.importer.importEvents('t1:Order-0', events), { imported: 2, skipped: 2 });
    const copied = await all(t.store, 't1:Order-0');
    assert.deepEqual(copied.map((e) => ({ ...e, position: '' })), events.map((e) => ({ ...e, position: '' })));
    const other = await sourceWith(1, 6);
    const foreign = await all(other, 't1:Order-0');
    await assert.rejects(t.importer.importEvents('t1:Order-0', foreign.slice(5)), isImportConflictError, 'gap');
    await assert.rejects(t.importer.importEvents('t1:Order-0', foreign.slice(0, 5)), isImportConflictError, 'different event at v1');
  });

  it('copies from a checkpoint: a crash after some pages resumes without repeats; verification is clean; a difference is named', async () => {
    const source = await sourceWith(7, 5);
    const t = target();
    let pages = 0;
    await assert.rejects(copyEvents(source, t.importer, t.checkpoints, {
      checkpointName: 'm', pageSize: 4, afterPage: () => { if (++pages === 3) throw new Error('injected crash'); },
    }), /injected crash/);
    const resumed = await copyEvents(source, t.importer, t.checkpoints, { checkpointName: 'm', pageSize: 4 });
    assert.ok(resumed.resumedFrom !== undefined);
    assert.equal(resumed.imported + resumed.skipped + 8, 35, 'pages 1-2 were checkpointed, page 3 is re-read');
    assert.equal(resumed.skipped, 4, 'the page imported before the crash is skipped');
    const report = await verifyMigration({ events: source, snapshots: new InMemorySnapshotStore() }, { events: t.store, snapshots: new InMemorySnapshotStore() });
    assert.equal(report.ok, true);
    assert.equal(report.source.events, 35);
    await t.store.append('t1:Order-0', [ev()], 5);
    const bad = await verifyMigration({ events: source }, { events: t.store });
    assert.deepEqual(bad.differences.map((d) => `${d.streamId}: ${d.reason}`), ['t1:Order-0: count differs']);
    const dry = await dryRun({ events: source }, { events: t.store, importer: t.importer, checkpoints: t.checkpoints }, 'm',
      { latestVersion: (type) => (type === 'ItemAdded' ? 2 : undefined) });
    assert.equal(dry.alreadyCopied, 6);
    assert.deepEqual(dry.upcasts, [['ItemAdded v1→v2', 35]]);
  });
});
