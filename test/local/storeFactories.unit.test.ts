/**
 * The local adapter module builds the four stores for `kind: memory` and `kind: sqlite`
 * manifests, with the runtime's clock (so recordedAt / idempotency times follow ctx.clock).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, randomIds, type CheckpointStore, type EventStore, type IdempotencyStore, type SnapshotStore } from '../../runtime/ports';
import { factories } from '../../runtime/adapters/local/index';
import type { AdapterContext } from '../../runtime/adapters/types';

describe('local adapter factories: stores', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nexus-factories-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['memory', 'sqlite'] as const) {
    it(`builds event, snapshot, checkpoint and idempotency stores for kind ${kind}, stamped by ctx.clock`, async () => {
      const clock = new ManualClock(new Date('2026-03-01T10:00:00.000Z'));
      const ctx: AdapterContext = { clock, ids: randomIds, secrets: {} };
      const path = join(dir, 'nested', 'events.db');
      const open = async (): Promise<[EventStore, SnapshotStore, CheckpointStore, IdempotencyStore]> => {
        if (kind === 'memory') {
          const c = { kind } as const;
          return Promise.all([
            factories.eventStore!.memory!(c, ctx), factories.snapshotStore!.memory!(c, ctx),
            factories.checkpointStore!.memory!(c, ctx), factories.idempotencyStore!.memory!(c, ctx),
          ]);
        }
        const c = { kind, path } as const;
        return Promise.all([
          factories.eventStore!.sqlite!(c, ctx), factories.snapshotStore!.sqlite!(c, ctx),
          factories.checkpointStore!.sqlite!(c, ctx), factories.idempotencyStore!.sqlite!(c, ctx),
        ]);
      };
      const [events, snapshots, checkpoints, idempotency] = await open();

      const r = await events.append('t1:Order-1', [{ eventId: 'e1', type: 'OrderPlaced', schemaVersion: 1, data: {} }], 'no_stream');
      assert.equal(r.events[0]!.recordedAt, '2026-03-01T10:00:00.000Z');
      await snapshots.save({ streamId: 't1:Order-1', aggregateType: 'Order', version: 1, stateVersion: 1, state: {}, takenAt: clock.now().toISOString() });
      assert.equal((await snapshots.load('t1:Order-1'))?.version, 1);
      await checkpoints.set('p', r.position);
      assert.equal(await checkpoints.get('p'), r.position);
      const put = await idempotency.putIfAbsent('cmd-1', { ok: true }, 10);
      assert.equal(put.record.storedAt, '2026-03-01T10:00:00.000Z');
      clock.advance(11_000);
      assert.equal(await idempotency.get('cmd-1'), undefined, 'expiry follows ctx.clock');
      await Promise.all([events.close(), snapshots.close(), checkpoints.close(), idempotency.close()]);
    });
  }
});
