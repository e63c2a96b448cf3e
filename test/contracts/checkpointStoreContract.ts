/**
 * The CheckpointStore conformance suite every adapter runs: get/set/delete/list and
 * compare-and-set, including a race where exactly one of many writers may win.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isCheckpointConflictError, type CheckpointStore } from '../../runtime/ports';
import type { StoreFactory } from './eventStore/support';

export function checkpointStoreContract(name: string, factory: StoreFactory<CheckpointStore>, options: { slowTimeoutMs?: number; writers?: number } = {}): void {
  describe(`CheckpointStore contract: ${name}`, function () {
    this.timeout(options.slowTimeoutMs ?? 30_000);
    let store: CheckpointStore;
    let cleanup: () => Promise<void>;
    let prefix: string;
    beforeEach(async () => {
      const h = await factory();
      store = h.store;
      cleanup = () => h.cleanup();
      prefix = `cp-${randomUUID().slice(0, 8)}/`;
    });
    afterEach(async () => cleanup());

    it('reads an absent checkpoint as undefined, then what was set, then the overwrite', async () => {
      const name = `${prefix}projection:orders`;
      assert.equal(await store.get(name), undefined);
      await store.set(name, '0000000000000042');
      assert.equal(await store.get(name), '0000000000000042');
      await store.set(name, '0000000000000043');
      assert.equal(await store.get(name), '0000000000000043');
    });

    it('stores values verbatim, including long opaque tokens', async () => {
      const name = `${prefix}relay`;
      const token = `{"shard":"0001","seq":"${'9'.repeat(300)}"} Grüße`;
      await store.set(name, token);
      assert.equal(await store.get(name), token);
    });

    it('deletes a checkpoint; deleting an absent one is a no-op', async () => {
      const name = `${prefix}gone`;
      await store.set(name, '1');
      await store.delete(name);
      assert.equal(await store.get(name), undefined);
      await store.delete(name);
      await store.delete(`${prefix}never-set`);
      assert.equal(await store.get(name), undefined);
    });

    it('lists names with a prefix, sorted by name', async () => {
      await store.set(`${prefix}b`, '2');
      await store.set(`${prefix}a`, '1');
      await store.set(`${prefix}c/x`, '3');
      await store.set(`other-${prefix}a`, 'no');
      assert.deepEqual(await store.list(prefix), [
        { name: `${prefix}a`, value: '1' },
        { name: `${prefix}b`, value: '2' },
        { name: `${prefix}c/x`, value: '3' },
      ]);
      assert.deepEqual(await store.list(`${prefix}c`), [{ name: `${prefix}c/x`, value: '3' }]);
      assert.deepEqual(await store.list(`${prefix}zzz`), []);
      const all = await store.list();
      assert.ok(all.some((c) => c.name === `${prefix}a`) && all.some((c) => c.name === `other-${prefix}a`), 'list() without prefix lists all');
    });

    it('compare-and-set: stores when the current value matches, else CheckpointConflictError(expected, actual)', async () => {
      const name = `${prefix}cas`;
      await store.set(name, '1', { current: undefined });
      assert.equal(await store.get(name), '1');
      let caught: unknown;
      await store.set(name, '2', { current: undefined }).catch((e: unknown) => (caught = e));
      assert.ok(isCheckpointConflictError(caught), `expected CheckpointConflictError, got ${String(caught)}`);
      assert.equal(caught.checkpoint, name);
      assert.equal(caught.expected, undefined);
      assert.equal(caught.actual, '1');
      caught = undefined;
      await store.set(name, '3', { current: '7' }).catch((e: unknown) => (caught = e));
      assert.ok(isCheckpointConflictError(caught));
      assert.equal(caught.expected, '7');
      assert.equal(caught.actual, '1');
      assert.equal(await store.get(name), '1', 'a failed compare-and-set stores nothing');
      await store.set(name, '4', { current: '1' });
      assert.equal(await store.get(name), '4');
      caught = undefined;
      await store.set(`${prefix}absent`, '1', { current: '0' }).catch((e: unknown) => (caught = e));
      assert.ok(isCheckpointConflictError(caught));
      assert.equal(caught.actual, undefined);
      assert.equal(await store.get(`${prefix}absent`), undefined);
    });

    it('many writers compare-and-set from the same value: exactly one wins', async () => {
      const name = `${prefix}race`;
      await store.set(name, 'start');
      const writers = options.writers ?? 8;
      const outcomes = await Promise.allSettled(Array.from({ length: writers }, (_, i) => store.set(name, `w${i}`, { current: 'start' })));
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      assert.equal(won.length, 1, `${won.length} writers won`);
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(isCheckpointConflictError(o.reason), `loser got ${String(o.reason)}`);
      assert.equal(await store.get(name), `w${won[0]}`);
    });
  });
}
