/** Snapshot triggers: count trigger per aggregate, non-blocking writes, state-shape changes, the time sweep. */
import assert from 'node:assert/strict';
import type { Snapshot, SnapshotStore } from '../../runtime/ports';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { PENDING_PREFIX } from '../../runtime/core/snapshots';
import { orderDecider, type OrderState } from '../../examples/orders';
import { addItem, coreFixture, place } from './fixtures';

async function placeWithItems(fx: ReturnType<typeof coreFixture>, id: string, items: number): Promise<void> {
  await fx.handler.handle(place(id));
  for (let i = 0; i < items; i++) await fx.handler.handle(addItem(id, `S${i}`));
}

describe('Snapshotter', () => {
  it('snapshots when events since the last snapshot reach N, and loads start from it', async () => {
    const fx = coreFixture({ policy: { everyNEvents: 3 } });
    await placeWithItems(fx, '1', 1);
    await fx.snapshotter.idle();
    assert.equal(await fx.snapshots.load('acme:Order-1'), undefined, 'no snapshot below N');
    await fx.handler.handle(addItem('1', 'S9'));
    await fx.snapshotter.idle();
    const snap = await fx.snapshots.load('acme:Order-1');
    assert.equal(snap?.version, 3);
    assert.equal(snap?.stateVersion, orderDecider.stateVersion);
    assert.equal((snap?.state as OrderState).items.length, 3);
    await fx.handler.handle(addItem('1', 'S10'));
    const loaded = await loadAggregate(fx, orderDecider, 'acme:Order-1');
    assert.deepEqual([loaded.snapshotVersion, loaded.tail.length, loaded.version], [3, 1, 4]);
    assert.equal(loaded.state.items.length, 4);
  });

  it('takes one snapshot per N events, not one per command, while a write is still in flight', async () => {
    const fx = coreFixture({ policy: { everyNEvents: 2 } });
    await placeWithItems(fx, '1', 6);
    await fx.snapshotter.idle();
    assert.equal(fx.snapshotter.stats.written, 3);
    assert.equal((await fx.snapshots.load('acme:Order-1'))?.version, 6);
  });

  it('honours a per-aggregate N over the manifest default', async () => {
    const fx = coreFixture({ deciders: [{ ...orderDecider, snapshotEvery: 2 }], policy: { everyNEvents: 1000 } });
    await placeWithItems(fx, '1', 1);
    await fx.snapshotter.idle();
    assert.equal((await fx.snapshots.load('acme:Order-1'))?.version, 2);
  });

  it('does not block the command on the snapshot write, and the write completes later', async () => {
    const fx = coreFixture({ policy: { everyNEvents: 1 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: SnapshotStore = {
      save: async (s: Snapshot) => {
        await gate;
        await fx.snapshots.save(s);
      },
      load: (id, o) => fx.snapshots.load(id, o),
      close: async () => undefined,
    };
    const blocked = coreFixture({ policy: { everyNEvents: 1 }, handler: { snapshots: slow }, snapshotWrites: slow });
    const r = await blocked.handler.handle(place('1'));
    assert.equal(r.version, 1, 'the command resolved while the snapshot write is held');
    assert.equal(await fx.snapshots.load('acme:Order-1'), undefined);
    release();
    await blocked.snapshotter.idle();
    assert.equal((await fx.snapshots.load('acme:Order-1'))?.version, 1);
  });

  it('logs and counts a failed snapshot write; the command still succeeds', async () => {
    const failing: SnapshotStore = {
      save: async () => {
        throw new Error('disk full');
      },
      load: async () => undefined,
      close: async () => undefined,
    };
    const fx = coreFixture({ policy: { everyNEvents: 1 }, snapshotWrites: failing });
    const r = await fx.handler.handle(place('1'));
    await fx.snapshotter.idle();
    assert.equal(r.version, 1);
    assert.equal(fx.snapshotter.stats.failed, 1);
    assert.equal(fx.errors.length, 1);
    assert.match(String((fx.errors[0] as { err: Error }).err.message), /disk full/);
  });

  it('ignores snapshots of an older state shape instead of loading them wrongly', async () => {
    const fx = coreFixture({ policy: { everyNEvents: 2 } });
    await placeWithItems(fx, '1', 2);
    await fx.snapshotter.idle();
    assert.equal((await fx.snapshots.load('acme:Order-1'))?.stateVersion, 1);
    // Version 2 of the state shape: items keyed by sku instead of a list.
    interface V2 { status: string; lines: Record<string, number> }
    const v2 = {
      ...orderDecider,
      stateVersion: 2,
      initialState: { status: 'none', lines: {} },
      evolve: (s: V2, e: { type: string; data: Record<string, unknown> }): V2 =>
        e.type === 'OrderPlaced' ? { status: 'placed', lines: Object.fromEntries((e.data.items as Array<{ sku: string; quantity: number }>).map((l) => [l.sku, l.quantity])) }
          : e.type === 'ItemAdded' ? { ...s, lines: { ...s.lines, [e.data.sku as string]: (s.lines[e.data.sku as string] ?? 0) + (e.data.quantity as number) } } : s,
    };
    const loaded = await loadAggregate(fx, v2 as never, 'acme:Order-1') as { state: V2; snapshotVersion: number };
    assert.equal(loaded.snapshotVersion, 0, 'the v1 snapshot was not used');
    assert.deepEqual(loaded.state, { status: 'placed', lines: { BOOK: 1, S0: 1, S1: 1 } });
    // Even a store that ignores the stateVersion filter cannot make the loader misread it.
    const careless: SnapshotStore = { save: async () => undefined, load: (id) => fx.snapshots.load(id), close: async () => undefined };
    const again = await loadAggregate({ eventStore: fx.eventStore, snapshots: careless }, v2 as never, 'acme:Order-1') as { state: V2 };
    assert.deepEqual(again.state, loaded.state);
  });

  it('as-of-version loads use the latest snapshot at or before that version', async () => {
    const fx = coreFixture({ policy: { everyNEvents: 2 } });
    await placeWithItems(fx, '1', 4);
    await fx.snapshotter.idle();
    const at3 = await loadAggregate(fx, orderDecider, 'acme:Order-1', { asOfVersion: 3 });
    assert.deepEqual([at3.snapshotVersion, at3.version, at3.state.items.length], [2, 3, 3]);
  });

  it('the time trigger snapshots streams that went quiet with old unsnapshotted events', async () => {
    const fx = coreFixture({ policy: { everyNEvents: 100, maxAgeSeconds: 60 } });
    await placeWithItems(fx, '1', 2);
    await fx.snapshotter.idle();
    assert.equal((await fx.checkpoints.list(PENDING_PREFIX)).length, 1, 'the stream is marked as having unsnapshotted events');
    fx.clock.advance(30_000);
    assert.equal(await fx.snapshotter.sweep(), 0, 'not old enough yet');
    fx.clock.advance(31_000);
    assert.equal(await fx.snapshotter.sweep(), 1);
    assert.equal((await fx.snapshots.load('acme:Order-1'))?.version, 3);
    assert.equal((await fx.checkpoints.list(PENDING_PREFIX)).length, 0, 'the mark is cleared');
    assert.equal(await fx.snapshotter.sweep(), 0);
    await fx.handler.handle(addItem('1', 'LATE'));
    await fx.snapshotter.idle();
    assert.equal((await fx.checkpoints.list(PENDING_PREFIX)).length, 1, 'new events mark it again');
  });
});
