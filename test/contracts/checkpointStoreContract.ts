/**
 * The CheckpointStore conformance suite every adapter runs: get/set/delete/list and
 * compare-and-set, including a race where exactly one of many writers may win, and bounded
 * listing (name order, inclusive `to`, `limit`, prefix isolation, more names than a backend page).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isCheckpointConflictError, isInvalidArgumentError, type CheckpointListOptions, type CheckpointStore } from '../../runtime/ports';
import type { StoreFactory } from './eventStore/support';

export interface CheckpointStoreContractOptions {
  slowTimeoutMs?: number;
  writers?: number;
  /**
   * The store orders names by UTF-16 code unit (JavaScript's `<`) instead of the port's code point
   * order: true for Cosmos DB (ADR 0139). The two differ only between a character above U+FFFF
   * and one in U+E000..U+FFFF; the case that pins the order then expects the code unit order.
   */
  codeUnitOrder?: boolean;
}

const names = (entries: Array<{ name: string }>): string[] => entries.map((e) => e.name);

export function checkpointStoreContract(name: string, factory: StoreFactory<CheckpointStore>, options: CheckpointStoreContractOptions = {}): void {
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

    describe('bounded list (to, limit)', () => {
      /** Sets `${prefix}<suffix>` = `v:<suffix>` for each suffix, in the given order. */
      const put = async (suffixes: string[]): Promise<void> => {
        for (const s of suffixes) await store.set(`${prefix}${s}`, `v:${s}`);
      };
      const entries = (suffixes: string[]) => suffixes.map((s) => ({ name: `${prefix}${s}`, value: `v:${s}` }));

      it('lists in ascending name order with each name\'s value, whatever the insertion order', async () => {
        const suffixes = ['b', 'B', 'a', 'a0', 'a-', 'a:', '~', '0', 'ab', 'a%', 'a_', ' ', 'é', 'z', '中', '\uff5e', 'a/b'];
        await put(suffixes);
        // Default sort compares UTF-16 code units: the port's code point order for these (all below U+FFFF).
        assert.deepEqual(await store.list(prefix), entries([...suffixes].sort()));
      });

      it(options.codeUnitOrder
        ? 'orders a character above U+FFFF before U+E000..U+FFFF (UTF-16 code unit order, declared by this store)'
        : 'orders a character above U+FFFF after U+E000..U+FFFF (code point order = UTF-8 byte order), in bounds too', async () => {
        await put(['\u{1F600}', '\uff5e', '\ud7ff', '\ue000', 'x\uffff', 'x\uffffa', 'x\u{10000}']);
        const order = options.codeUnitOrder
          ? ['x\u{10000}', 'x\uffff', 'x\uffffa', '\ud7ff', '\u{1F600}', '\ue000', '\uff5e']
          : ['x\uffff', 'x\uffffa', 'x\u{10000}', '\ud7ff', '\ue000', '\uff5e', '\u{1F600}'];
        assert.deepEqual(names(await store.list(prefix)), order.map((s) => `${prefix}${s}`));
        assert.deepEqual(names(await store.list(prefix, { limit: 5 })), order.slice(0, 5).map((s) => `${prefix}${s}`));
        // The prefix range ends right below the prefix with its last character incremented.
        assert.deepEqual(names(await store.list(`${prefix}x\uffff`)), [`${prefix}x\uffff`, `${prefix}x\uffffa`]);
        assert.deepEqual(names(await store.list(`${prefix}x\uffff`, { to: `${prefix}x\u{10000}` })),
          options.codeUnitOrder ? [] : [`${prefix}x\uffff`, `${prefix}x\uffffa`], 'to after (code points) or before (code units) the prefix range');
        if (!options.codeUnitOrder) {
          assert.deepEqual(names(await store.list(prefix, { to: `${prefix}\uffff` })), order.slice(0, 6).map((s) => `${prefix}${s}`));
        }
      });

      it('to is an inclusive upper bound', async () => {
        await put(['c', 'a', 'e', 'b', 'd']);
        assert.deepEqual(await store.list(prefix, { to: `${prefix}c` }), entries(['a', 'b', 'c']));
        assert.deepEqual(await store.list(prefix, { to: `${prefix}b~` }), entries(['a', 'b']), 'a bound between two names');
        assert.deepEqual(await store.list(prefix, { to: `${prefix}a` }), entries(['a']));
        assert.deepEqual(await store.list(prefix, { to: `${prefix}e` }), entries(['a', 'b', 'c', 'd', 'e']));
      });

      it('to below every name lists nothing; to above every name lists the whole prefix', async () => {
        await put(['a', 'b', 'c']);
        for (const to of [prefix, '', 'a', prefix.slice(0, -1)]) assert.deepEqual(await store.list(prefix, { to }), [], `to = ${JSON.stringify(to)}`);
        for (const to of [`${prefix}zzz`, `${prefix}\u{10FFFF}`, '\u{10FFFF}', '~']) assert.deepEqual(await store.list(prefix, { to }), entries(['a', 'b', 'c']), `to = ${JSON.stringify(to)}`);
      });

      it('limit returns the first entries in name order', async () => {
        await put(['d', 'b', 'e', 'a', 'c']);
        assert.deepEqual(await store.list(prefix, { limit: 1 }), entries(['a']));
        assert.deepEqual(await store.list(prefix, { limit: 3 }), entries(['a', 'b', 'c']));
        assert.deepEqual(await store.list(prefix, { limit: 5 }), entries(['a', 'b', 'c', 'd', 'e']));
        assert.deepEqual(await store.list(prefix, { limit: 1000 }), entries(['a', 'b', 'c', 'd', 'e']));
        assert.deepEqual(await store.list(`${prefix}c`, { limit: 1 }), entries(['c']));
        assert.deepEqual(await store.list(`${prefix}zz`, { limit: 1 }), []);
      });

      it('limit and to together: the first `limit` names up to `to`', async () => {
        await put(['d', 'b', 'e', 'a', 'c']);
        assert.deepEqual(await store.list(prefix, { to: `${prefix}d`, limit: 2 }), entries(['a', 'b']));
        assert.deepEqual(await store.list(prefix, { to: `${prefix}b`, limit: 5 }), entries(['a', 'b']));
        assert.deepEqual(await store.list(prefix, { to: `${prefix}c`, limit: 3 }), entries(['a', 'b', 'c']));
        assert.deepEqual(await store.list(prefix, { to: prefix, limit: 3 }), []);
      });

      it('never returns names of another prefix, even when to lies past them', async () => {
        const base = prefix.slice(0, -1); // prefix = base + '/'
        // '.' < '/' < '0': neighbours on both sides of the prefix range, and the bare base below it.
        for (const n of [base, `${base}.z`, `${base}0`, `${base}0a`, `${prefix}`, `${prefix}a`, `${prefix}a/b`, `${prefix}b`]) await store.set(n, n);
        const inPrefix = [`${prefix}`, `${prefix}a`, `${prefix}a/b`, `${prefix}b`];
        assert.deepEqual(names(await store.list(prefix, { to: `${base}0zz` })), inPrefix);
        assert.deepEqual(names(await store.list(prefix, { to: `${base}0zz`, limit: 10 })), inPrefix);
        assert.deepEqual(names(await store.list(`${prefix}a`, { to: `${prefix}b` })), [`${prefix}a`, `${prefix}a/b`]);
        assert.deepEqual(names(await store.list(`${prefix}a`, { limit: 5 })), [`${prefix}a`, `${prefix}a/b`]);
        // LIKE wildcards in a prefix are literal characters.
        await put(['x%y', 'xAy', 'x_y', 'xzy']);
        assert.deepEqual(names(await store.list(`${prefix}x%`, { to: `${prefix}xzz` })), [`${prefix}x%y`]);
        assert.deepEqual(names(await store.list(`${prefix}x_`, { limit: 5 })), [`${prefix}x_y`]);
      });

      it('without a prefix, to and limit cut the full listing', async () => {
        await put(['a', 'b', 'c']);
        const full = await store.list();
        assert.ok(full.length >= 3);
        assert.deepEqual(await store.list(undefined, { limit: 2 }), full.slice(0, 2));
        assert.deepEqual(await store.list('', { limit: 2 }), full.slice(0, 2));
        const at = full.findIndex((c) => c.name === `${prefix}b`);
        assert.deepEqual(await store.list('', { to: `${prefix}b` }), full.slice(0, at + 1));
        assert.deepEqual(await store.list(undefined, { to: `${prefix}b`, limit: at }), full.slice(0, at));
      });

      it('rejects malformed options with InvalidArgumentError naming the option', async () => {
        await put(['a']);
        const rejects = async (prefixArg: unknown, opts: unknown, field: string): Promise<void> => {
          await assert.rejects(store.list(prefixArg as string, opts as CheckpointListOptions), (e: unknown) => {
            assert.ok(isInvalidArgumentError(e), `expected InvalidArgumentError for ${field}, got ${String(e)}`);
            assert.equal(e.field, field);
            assert.match(e.message, new RegExp(`^${field}: `));
            return true;
          }, `${field} = ${String(opts)}`);
        };
        for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null]) await rejects(prefix, { limit }, 'limit');
        for (const to of [42, null, {}, '\ud800', 'a\udc00']) await rejects(prefix, { to }, 'to');
        for (const p of [42, null, '\ud800']) await rejects(p, undefined, 'prefix');
        await rejects(prefix, null, 'options');
        await rejects(prefix, 'a', 'options');
        assert.deepEqual(await store.list(prefix, { limit: 1, to: `${prefix}a` }), entries(['a']), 'the store still lists after rejections');
      });

      it('pages through more names than one backend page (1,200 names, ~1.2 MB) and stops at the limit', async () => {
        const count = 1200;
        const nameAt = (i: number): string => `${prefix}n${String(i).padStart(4, '0')}`;
        // ~1 KB values push the listing past DynamoDB's 1 MB page; 1,200 items exceed a Cosmos page.
        const valueAt = (i: number): string => `${i}:${'x'.repeat(1000)}`;
        for (let i = 0; i < count; i += 50) {
          await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => store.set(nameAt(i + k), valueAt(i + k))));
        }
        const expected = Array.from({ length: count }, (_, i) => ({ name: nameAt(i), value: valueAt(i) }));
        const all = await store.list(prefix);
        assert.equal(all.length, count);
        assert.deepEqual(all, expected);
        assert.deepEqual(await store.list(prefix, { limit: 1100 }), expected.slice(0, 1100));
        assert.deepEqual(await store.list(prefix, { to: nameAt(1149) }), expected.slice(0, 1150));
        assert.deepEqual(await store.list(prefix, { to: nameAt(1149), limit: 1120 }), expected.slice(0, 1120));
        assert.deepEqual(await store.list(prefix, { to: nameAt(1199), limit: 3 }), expected.slice(0, 3));
        assert.deepEqual(await store.list(`${prefix}n11`, { limit: 150 }), expected.slice(1100, 1200));
      });
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
