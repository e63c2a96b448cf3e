/**
 * The SnapshotStore conformance suite every adapter runs: latest-by-version loads, temporal
 * loads (maxVersion), state-shape filtering (stateVersion), replacement of the same version,
 * the size limit (nothing stored on rejection) and per-stream isolation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MAX_SNAPSHOT_BYTES, isSnapshotTooLargeError, type Snapshot, type SnapshotStore } from '../../runtime/ports';
import type { StoreFactory } from './eventStore/support';

const RUN = randomUUID().slice(0, 8);
let n = 0;
const streamId = (): string => `t${RUN}:Order-snap${++n}`;

function snap(s: string, version: number, state: unknown = { count: version }, stateVersion = 1): Snapshot {
  return { streamId: s, aggregateType: 'Order', version, stateVersion, state, takenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString() };
}

export function snapshotStoreContract(name: string, factory: StoreFactory<SnapshotStore>, options: { slowTimeoutMs?: number } = {}): void {
  describe(`SnapshotStore contract: ${name}`, function () {
    this.timeout(options.slowTimeoutMs ?? 30_000);
    let store: SnapshotStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const h = await factory();
      store = h.store;
      cleanup = () => h.cleanup();
    });
    afterEach(async () => cleanup());

    it('loads nothing for a stream without snapshots', async () => {
      assert.equal(await store.load(streamId()), undefined);
    });

    it('round-trips every field of a snapshot', async () => {
      const s = streamId();
      const state = { id: 'o-1', lines: [{ sku: 'A', qty: 2, price: 9.99 }], status: 'placed', note: 'Grüße 世界', paid: false, extra: null };
      const saved = snap(s, 7, state, 3);
      await store.save(saved);
      assert.deepEqual(await store.load(s), saved);
    });

    it('returns the snapshot with the highest version, whatever the save order', async () => {
      const s = streamId();
      await store.save(snap(s, 10));
      await store.save(snap(s, 30));
      await store.save(snap(s, 20));
      assert.equal((await store.load(s))?.version, 30);
    });

    it('replaces a snapshot saved again at the same version', async () => {
      const s = streamId();
      await store.save(snap(s, 5, { v: 'first' }));
      await store.save(snap(s, 5, { v: 'second' }));
      assert.deepEqual((await store.load(s))?.state, { v: 'second' });
      assert.deepEqual((await store.load(s, { maxVersion: 5 }))?.state, { v: 'second' });
    });

    it('loads the latest snapshot at or below maxVersion (temporal reads)', async () => {
      const s = streamId();
      for (const v of [10, 20, 30]) await store.save(snap(s, v));
      assert.equal((await store.load(s, { maxVersion: 25 }))?.version, 20);
      assert.equal((await store.load(s, { maxVersion: 20 }))?.version, 20);
      assert.equal((await store.load(s, { maxVersion: 1000 }))?.version, 30);
      assert.equal(await store.load(s, { maxVersion: 9 }), undefined);
      assert.equal(await store.load(s, { maxVersion: 0 }), undefined);
    });

    it('skips snapshots of another state shape instead of loading them (stateVersion)', async () => {
      const s = streamId();
      await store.save(snap(s, 10, { old: true }, 1));
      await store.save(snap(s, 20, { shape: 2 }, 2));
      await store.save(snap(s, 30, { old: true }, 1));
      assert.equal((await store.load(s, { stateVersion: 2 }))?.version, 20);
      assert.equal((await store.load(s, { stateVersion: 1 }))?.version, 30);
      assert.equal(await store.load(s, { stateVersion: 3 }), undefined);
      assert.equal((await store.load(s, { stateVersion: 1, maxVersion: 25 }))?.version, 10);
      assert.equal(await store.load(s, { stateVersion: 2, maxVersion: 15 }), undefined);
    });

    it('keeps streams apart', async () => {
      const a = streamId();
      const b = streamId();
      await store.save(snap(a, 3, { who: 'a' }));
      await store.save(snap(b, 4, { who: 'b' }));
      assert.deepEqual((await store.load(a))?.state, { who: 'a' });
      assert.deepEqual((await store.load(b))?.state, { who: 'b' });
    });

    it(`rejects a state over MAX_SNAPSHOT_BYTES (${MAX_SNAPSHOT_BYTES}) with SnapshotTooLargeError, storing nothing`, async () => {
      const s = streamId();
      await store.save(snap(s, 1, { small: true }));
      const overhead = Buffer.byteLength(JSON.stringify({ blob: '' }), 'utf8');
      const atLimit = { blob: 'x'.repeat(MAX_SNAPSHOT_BYTES - overhead) };
      await store.save(snap(s, 2, atLimit));
      assert.deepEqual((await store.load(s))?.state, atLimit, 'a state of exactly the limit is accepted');
      const over = { blob: 'x'.repeat(MAX_SNAPSHOT_BYTES - overhead + 1) };
      let caught: unknown;
      await store.save(snap(s, 3, over)).catch((e: unknown) => (caught = e));
      assert.ok(isSnapshotTooLargeError(caught), `expected SnapshotTooLargeError, got ${String(caught)}`);
      assert.equal(caught.size, MAX_SNAPSHOT_BYTES + 1);
      assert.equal(caught.limit, MAX_SNAPSHOT_BYTES);
      assert.equal((await store.load(s))?.version, 2, 'nothing stored');
    });

    it('concurrent saves of different versions leave the highest as the latest', async () => {
      const s = streamId();
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.save(snap(s, (i + 1) * 10))));
      assert.equal((await store.load(s))?.version, 80);
      assert.equal((await store.load(s, { maxVersion: 45 }))?.version, 40);
    });
  });
}
