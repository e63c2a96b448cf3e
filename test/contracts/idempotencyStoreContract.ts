/**
 * The IdempotencyStore conformance suite every adapter runs: first writer wins until expiry,
 * records round-trip, expired records are replaced, and a race has exactly one winner.
 * The expiry case waits ttl + clockSkewMs in real time (the store may stamp times itself).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isInvalidArgumentError, type IdempotencyStore } from '../../runtime/ports';
import type { StoreFactory } from './eventStore/support';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function idempotencyStoreContract(
  name: string,
  factory: StoreFactory<IdempotencyStore>,
  options: { slowTimeoutMs?: number; writers?: number; clockSkewMs?: number } = {},
): void {
  describe(`IdempotencyStore contract: ${name}`, function () {
    this.timeout(options.slowTimeoutMs ?? 30_000);
    const skew = options.clockSkewMs ?? 0;
    let store: IdempotencyStore;
    let cleanup: () => Promise<void>;
    const key = (): string => `cmd-${randomUUID()}`;
    beforeEach(async () => {
      const h = await factory();
      store = h.store;
      cleanup = () => h.cleanup();
    });
    afterEach(async () => cleanup());

    it('stores the first value and returns it to later writers until it expires', async () => {
      const k = key();
      const first = { streamId: 't:Order-1', nextVersion: 3, events: ['a', 'b'], note: 'Grüße' };
      const before = Date.now();
      const put = await store.putIfAbsent(k, first, 3600);
      assert.equal(put.stored, true);
      assert.equal(put.record.key, k);
      assert.deepEqual(put.record.value, first);
      const storedAt = Date.parse(put.record.storedAt);
      assert.ok(storedAt >= before - skew - 1000 && storedAt <= Date.now() + skew + 1000, `storedAt ${put.record.storedAt} is now`);
      assert.equal(Date.parse(put.record.expiresAt) - storedAt, 3600 * 1000);
      const second = await store.putIfAbsent(k, { other: true }, 3600);
      assert.equal(second.stored, false);
      assert.deepEqual(second.record, put.record);
      assert.deepEqual(await store.get(k), put.record);
    });

    it('reads an unknown key as undefined', async () => {
      assert.equal(await store.get(key()), undefined);
    });

    it('replaces a record once it has expired', async function () {
      this.timeout(10_000 + 2 * skew);
      const k = key();
      await store.putIfAbsent(k, 'first', 1);
      await sleep(1100 + skew);
      assert.equal(await store.get(k), undefined, 'an expired record reads as absent');
      const again = await store.putIfAbsent(k, 'second', 60);
      assert.equal(again.stored, true);
      assert.equal(again.record.value, 'second');
    });

    it('many writers racing on one key: exactly one stores, all see its value', async () => {
      const k = key();
      const writers = options.writers ?? 8;
      const results = await Promise.all(Array.from({ length: writers }, (_, i) => store.putIfAbsent(k, { writer: i }, 600)));
      const stored = results.filter((r) => r.stored);
      assert.equal(stored.length, 1, `${stored.length} writers stored`);
      for (const r of results) assert.deepEqual(r.record.value, stored[0]!.record.value);
    });

    it('rejects an empty key and a non-positive ttl with InvalidArgumentError naming the field', async () => {
      for (const [k, ttl, field] of [['', 60, 'key'], [key(), 0, 'ttlSeconds'], [key(), -5, 'ttlSeconds']] as const) {
        let caught: unknown;
        await store.putIfAbsent(k, 'v', ttl).catch((e: unknown) => (caught = e));
        assert.ok(isInvalidArgumentError(caught), `expected InvalidArgumentError for ${field}, got ${String(caught)}`);
        assert.equal(caught.field, field);
      }
    });
  });
}
