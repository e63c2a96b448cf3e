/**
 * The one conformance suite of the EventBus port. Every adapter's spec is a few lines:
 *
 *   eventBusContract('SqliteEventBus', async () => ({ bus, cleanup, reopen }), { durable: true });
 *
 * Semantics checked (runtime/ports/EventBus.ts): a consumer group receives every message
 * published on its path after the group first subscribed (groups are provisioned before
 * publishers run, as SNS→SQS / Pub/Sub subscriptions are); at-least-once delivery; resolve =
 * ack, throw = nack and redelivery; dead-letter after maxAttempts, or at once on
 * PermanentError; per-partition-key order on the core path, also across redeliveries; DLQ
 * list/get/redrive/purge/count with an idempotent redrive; dead letters by tenant and group
 * (list, count, countByGroup, purge), keyset paging in the queue's order (ADR 0134);
 * durability across close/reopen when the factory supports it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BusMessage, BusPath, DeadLetter, Delivery, EventBus, Subscription } from '../../runtime/ports/EventBus';
import { isMessageTooLargeError, PermanentError } from '../../runtime/ports/EventBus';
import { isInvalidArgumentError } from '../../runtime/ports/errors';

export interface EventBusFixture {
  readonly bus: EventBus;
  cleanup(): Promise<void>;
  /** Closes nothing itself: opens a new bus over the same durable storage (the old one is closed by the suite). */
  reopen?(): Promise<EventBus>;
}

export interface EventBusContractOptions {
  /** Max ms to wait for an expected delivery; cloud emulators are slower. Default 5000. */
  readonly timeoutMs?: number;
  /** When set, a message over this many bytes must be rejected with MessageTooLargeError. */
  readonly maxMessageBytes?: number;
  /** The bus keeps messages across close/reopen: the fixture must provide `reopen`. */
  readonly durable?: boolean;
}

export function message(partitionKey: string, n: number, path: BusPath = 'core', extra: Record<string, unknown> = {}): BusMessage {
  const id = randomUUID();
  return {
    id,
    partitionKey,
    path,
    envelope: {
      specversion: '1.0', id, source: 'nexus/contract', type: 'ContractTested', subject: partitionKey,
      time: new Date().toISOString(), datacontenttype: 'application/json', data: { n, ...extra }, streamversion: n,
    },
  };
}

const nOf = (d: Delivery): number => (d.message.envelope.data as { n: number }).n;

/** A core-path message of `tenant` (envelope extension), or of no tenant. */
export function tenantMessage(tenant: string | undefined, partitionKey: string, n = 1): BusMessage {
  const m = message(partitionKey, n);
  return tenant === undefined ? m : { ...m, envelope: { ...m.envelope, tenant } };
}

const inQueueOrder = (a: DeadLetter, b: DeadLetter): number =>
  a.deadLetteredAt < b.deadLetteredAt ? -1 : a.deadLetteredAt > b.deadLetteredAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export async function waitUntil(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function eventBusContract(name: string, factory: () => Promise<EventBusFixture>, options: EventBusContractOptions = {}): void {
  const timeout = options.timeoutMs ?? 5_000;
  describe(`EventBus contract: ${name}`, function () {
    this.timeout(timeout * 4 + 10_000);
    let fx: EventBusFixture;
    let bus: EventBus;
    const subs: Subscription[] = [];
    const group = (): string => `g-${randomUUID().slice(0, 8)}`;
    const subscribe = async (...args: Parameters<EventBus['subscribe']>): Promise<Subscription> => {
      const s = await bus.subscribe(...args);
      subs.push(s);
      return s;
    };

    beforeEach(async () => {
      fx = await factory();
      bus = fx.bus;
    });
    afterEach(async () => {
      for (const s of subs.splice(0)) await s.close().catch(() => undefined);
      await bus.close().catch(() => undefined);
      await fx.cleanup();
    });

    it('delivers every published message to a subscribed group, with attempt 1 and the envelope intact', async () => {
      const got: Delivery[] = [];
      const g = group();
      await subscribe({ group: g, path: 'core', handler: async (d) => void got.push(d) });
      const sent = [message('s-1', 1), message('s-2', 1), message('s-1', 2)];
      await bus.publish(sent);
      await waitUntil('3 deliveries', () => got.length >= 3, timeout);
      assert.deepEqual(new Set(got.map((d) => d.message.id)), new Set(sent.map((m) => m.id)));
      for (const d of got) {
        assert.equal(d.attempt, 1);
        assert.equal(d.group, g);
        const original = sent.find((m) => m.id === d.message.id)!;
        assert.deepEqual(d.message.envelope, original.envelope);
        assert.equal(d.message.partitionKey, original.partitionKey);
      }
    });

    it('gives every consumer group every message (fan-out), each once when handlers succeed', async () => {
      const a: string[] = [];
      const b: string[] = [];
      await subscribe({ group: group(), path: 'core', handler: async (d) => void a.push(d.message.id) });
      await subscribe({ group: group(), path: 'core', handler: async (d) => void b.push(d.message.id) });
      const sent = Array.from({ length: 20 }, (_, i) => message(`s-${i % 4}`, i));
      await bus.publish(sent);
      await waitUntil('20 deliveries to each group', () => a.length >= 20 && b.length >= 20, timeout);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual([...a].sort(), sent.map((m) => m.id).sort());
      assert.deepEqual([...b].sort(), sent.map((m) => m.id).sort());
    });

    it('keeps the paths apart: a core-path group does not receive non-critical messages and vice versa', async () => {
      const core: string[] = [];
      const nc: string[] = [];
      const g = group();
      await subscribe({ group: g, path: 'core', handler: async (d) => void core.push(d.message.id) });
      await subscribe({ group: `${g}-nc`, path: 'noncritical', handler: async (d) => void nc.push(d.message.id) });
      const m1 = message('s-1', 1, 'core');
      const m2 = message('s-1', 1, 'noncritical');
      await bus.publish([m1, m2]);
      await waitUntil('one delivery per path', () => core.length >= 1 && nc.length >= 1, timeout);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(core, [m1.id]);
      assert.deepEqual(nc, [m2.id]);
    });

    it('preserves per-partition-key order on the core path under concurrency and across publish calls', async () => {
      const seen = new Map<string, number[]>();
      await subscribe({
        group: group(), path: 'core', concurrency: 4,
        handler: async (d) => {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          const list = seen.get(d.message.partitionKey) ?? [];
          list.push(nOf(d));
          seen.set(d.message.partitionKey, list);
        },
      });
      const keys = ['p-a', 'p-b', 'p-c', 'p-d'];
      for (let batch = 0; batch < 5; batch++) {
        await bus.publish(Array.from({ length: 24 }, (_, i) => message(keys[i % 4]!, batch * 6 + Math.floor(i / 4) + 1)));
      }
      await waitUntil('120 deliveries', () => [...seen.values()].reduce((n, l) => n + l.length, 0) >= 120, timeout * 2);
      for (const k of keys) assert.deepEqual(seen.get(k), Array.from({ length: 30 }, (_, i) => i + 1), `order of partition ${k}`);
    });

    it('redelivers a message whose handler threw, and holds its partition back until it succeeds (core path)', async () => {
      const processed: number[] = [];
      const attempts = new Map<number, number[]>();
      await subscribe({
        group: group(), path: 'core', maxAttempts: 5, concurrency: 4,
        handler: async (d) => {
          const n = nOf(d);
          attempts.set(n, [...(attempts.get(n) ?? []), d.attempt]);
          if (n === 2 && d.attempt < 3) throw new Error(`transient failure of message 2, attempt ${d.attempt}`);
          processed.push(n);
        },
      });
      await bus.publish([1, 2, 3, 4].map((n) => message('p-hold', n)));
      await waitUntil('4 successful deliveries', () => processed.length >= 4, timeout * 2);
      assert.deepEqual(processed, [1, 2, 3, 4]);
      assert.deepEqual(attempts.get(2), [1, 2, 3], 'attempt numbers of the redelivered message');
      assert.deepEqual(attempts.get(3), [1]);
    });

    it('dead-letters after maxAttempts with the error, the attempts and the original message', async () => {
      let calls = 0;
      const ok: number[] = [];
      const g = group();
      await subscribe({
        group: g, path: 'core', maxAttempts: 3,
        handler: async (d) => {
          if (nOf(d) === 1) {
            calls++;
            throw new Error('handler always fails for n=1');
          }
          ok.push(nOf(d));
        },
      });
      const poison = message('p-poison', 1);
      await bus.publish([poison, message('p-poison', 2)]);
      await waitUntil('the poison message in the DLQ', async () => (await bus.deadLetters.count({ group: g })) === 1, timeout * 2);
      assert.equal(await bus.deadLetters.count({ group: g }), 1, 'a bare string is a group (count before ADR 0134)');
      await waitUntil('the next message of the partition to be processed', () => ok.length === 1, timeout);
      assert.equal(calls, 3, 'handler calls before dead-lettering');
      const [dl] = await bus.deadLetters.list({ group: g });
      assert.ok(dl);
      assert.equal(dl.group, g);
      assert.equal(dl.attempts, 3);
      assert.match(dl.error, /handler always fails for n=1/);
      assert.equal(dl.message.id, poison.id);
      assert.deepEqual(dl.message.envelope, poison.envelope);
      assert.ok(!Number.isNaN(Date.parse(dl.deadLetteredAt)), 'deadLetteredAt is an ISO time');
      assert.deepEqual(await bus.deadLetters.get(dl.id), dl);
    });

    it('dead-letters at once on PermanentError', async () => {
      let calls = 0;
      const g = group();
      await subscribe({
        group: g, path: 'noncritical', maxAttempts: 5,
        handler: async () => {
          calls++;
          throw new PermanentError('cannot ever process this message');
        },
      });
      await bus.publish([message('p-perm', 1, 'noncritical')]);
      await waitUntil('the message in the DLQ', async () => (await bus.deadLetters.count({ group: g })) === 1, timeout);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(calls, 1);
      const [dl] = await bus.deadLetters.list({ group: g });
      assert.equal(dl?.attempts, 1);
      assert.match(dl.error, /cannot ever process this message/);
    });

    it('redrives dead letters to their group once (idempotent), and purges', async () => {
      let failing = true;
      const delivered: string[] = [];
      const g = group();
      await subscribe({
        group: g, path: 'core', maxAttempts: 1,
        handler: async (d) => {
          if (failing) throw new PermanentError(`failing ${nOf(d)}`);
          delivered.push(d.message.id);
        },
      });
      const sent = [message('p-r', 1), message('p-r2', 1), message('p-r3', 1)];
      await bus.publish(sent);
      await waitUntil('3 dead letters', async () => (await bus.deadLetters.count({ group: g })) === 3, timeout);
      assert.ok((await bus.deadLetters.count()) >= 3, 'count without a group covers every group');
      const listed = await bus.deadLetters.list({ group: g });
      assert.equal(listed.length, 3);
      assert.equal((await bus.deadLetters.list({ group: g, limit: 2 })).length, 2);
      assert.equal(await bus.deadLetters.get('no-such-dead-letter'), undefined);
      const byMessage = (id: string): string => listed.find((d) => d.message.id === id)!.id;
      failing = false;
      const ids = [byMessage(sent[0]!.id), byMessage(sent[1]!.id)];
      assert.equal(await bus.deadLetters.redrive(ids), 2);
      assert.equal(await bus.deadLetters.redrive(ids), 0, 'a second redrive of the same ids does nothing');
      await waitUntil('2 redriven deliveries', () => delivered.length >= 2, timeout);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual([...delivered].sort(), [sent[0]!.id, sent[1]!.id].sort(), 'each redriven message delivered once');
      assert.equal(await bus.deadLetters.count({ group: g }), 1);
      assert.equal(await bus.deadLetters.purge([byMessage(sent[2]!.id)]), 1);
      assert.equal(await bus.deadLetters.purge([byMessage(sent[2]!.id)]), 0);
      assert.equal(await bus.deadLetters.count({ group: g }), 0);
    });

    it('purge without ids empties the dead-letter queue', async () => {
      const g = group();
      await subscribe({ group: g, path: 'core', handler: async () => { throw new PermanentError('no'); } });
      await bus.publish([message('p-x', 1), message('p-y', 1)]);
      await waitUntil('2 dead letters', async () => (await bus.deadLetters.count({ group: g })) === 2, timeout);
      assert.ok((await bus.deadLetters.purge()) >= 2);
      assert.equal(await bus.deadLetters.count({ group: g }), 0);
    });

    const tenantName = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

    it('lists, counts and counts per group by tenant and group; a cursor pages through each dead letter once, in order', async () => {
      const [A, B] = [tenantName('acme'), tenantName('globex')];
      const [g1, g2] = [group(), group()];
      await subscribe({ group: g1, path: 'core', handler: async () => { throw new PermanentError('g1 refuses every message'); } });
      await subscribe({
        group: g2, path: 'core',
        handler: async (d) => {
          if (d.message.envelope.tenant === A) throw new PermanentError('g2 refuses acme');
        },
      });
      const ofA = Array.from({ length: 5 }, (_, i) => tenantMessage(A, `ta-${i}`));
      const ofB = Array.from({ length: 3 }, (_, i) => tenantMessage(B, `tb-${i}`));
      await bus.publish([...ofA, ...ofB, tenantMessage(undefined, 'tn-0')]);
      await waitUntil('9 dead letters in g1 and 5 in g2', async () =>
        (await bus.deadLetters.count({ group: g1 })) === 9 && (await bus.deadLetters.count({ group: g2 })) === 5, timeout * 2);

      assert.equal(await bus.deadLetters.count({ tenant: A }), 10);
      assert.equal(await bus.deadLetters.count({ tenant: A, group: g1 }), 5);
      assert.equal(await bus.deadLetters.count({ tenant: B }), 3);
      assert.equal(await bus.deadLetters.count({ tenant: B, group: g2 }), 0);
      assert.equal(await bus.deadLetters.count({ tenant: tenantName('nobody') }), 0);
      assert.deepEqual(Object.fromEntries(await bus.deadLetters.countByGroup({ tenant: A })), { [g1]: 5, [g2]: 5 });
      assert.deepEqual(Object.fromEntries(await bus.deadLetters.countByGroup({ tenant: B })), { [g1]: 3 });
      const perGroup = await bus.deadLetters.countByGroup();
      assert.deepEqual([perGroup.get(g1), perGroup.get(g2)], [9, 5], 'countByGroup without a tenant counts every tenant and none');

      const listedB = await bus.deadLetters.list({ tenant: B });
      assert.deepEqual(listedB.map((d) => d.message.id).sort(), ofB.map((m) => m.id).sort());
      assert.ok(listedB.every((d) => d.group === g1 && d.message.envelope.tenant === B), 'only B\'s dead letters');
      assert.deepEqual(await bus.deadLetters.list({ tenant: B, group: g2 }), []);
      assert.deepEqual(await bus.deadLetters.list({ tenant: tenantName('nobody') }), []);

      const allA = await bus.deadLetters.list({ tenant: A, limit: 1000 });
      assert.equal(allA.length, 10);
      assert.deepEqual(allA, [...allA].sort(inQueueOrder), 'oldest first: deadLetteredAt, then id');
      const visited: string[] = [];
      let pages = 0;
      for (let page = await bus.deadLetters.list({ tenant: A, limit: 3 }); page.length > 0; page = await bus.deadLetters.list({ tenant: A, limit: 3, after: page[page.length - 1]! })) {
        assert.ok(page.length <= 3, `page ${pages} has ${page.length} items`);
        pages++;
        visited.push(...page.map((d) => d.id));
        assert.ok(pages <= 4, 'paging ends');
      }
      assert.equal(pages, 4);
      assert.deepEqual(visited, allA.map((d) => d.id), 'each of A\'s dead letters visited exactly once, in the queue\'s order');

      const inG1 = allA.filter((d) => d.group === g1);
      const first = await bus.deadLetters.list({ tenant: A, group: g1, limit: 2 });
      assert.deepEqual(first.map((d) => d.id), inG1.slice(0, 2).map((d) => d.id));
      assert.equal(await bus.deadLetters.purge(first.map((d) => d.id)), 2);
      const rest = await bus.deadLetters.list({ tenant: A, group: g1, after: first[1]! });
      assert.deepEqual(rest.map((d) => d.id), inG1.slice(2).map((d) => d.id), 'a cursor whose dead letter is gone still continues after it');
    });

    it('redrives and purges by tenant without touching another tenant\'s dead letters', async () => {
      const [A, B] = [tenantName('acme'), tenantName('globex')];
      const g = group();
      let failing = true;
      const delivered: string[] = [];
      await subscribe({
        group: g, path: 'core', maxAttempts: 1,
        handler: async (d) => {
          if (failing) throw new PermanentError('failing for now');
          delivered.push(d.message.id);
        },
      });
      await bus.publish([tenantMessage(A, 'ra-1'), tenantMessage(A, 'ra-2'), tenantMessage(A, 'ra-3'), tenantMessage(B, 'rb-1'), tenantMessage(B, 'rb-2')]);
      await waitUntil('5 dead letters', async () => (await bus.deadLetters.count({ group: g })) === 5, timeout * 2);
      const before = await bus.deadLetters.list({ tenant: B });
      assert.equal(before.length, 2);
      const [a1] = await bus.deadLetters.list({ tenant: A, limit: 1 });
      assert.ok(a1);
      failing = false;
      assert.equal(await bus.deadLetters.redrive([a1.id]), 1);
      await waitUntil('the redriven message of A', () => delivered.length >= 1, timeout);
      assert.deepEqual(await bus.deadLetters.list({ tenant: B }), before, 'a redrive of A\'s id leaves B\'s dead letters as they were');
      assert.equal(await bus.deadLetters.count({ tenant: A }), 2);
      assert.equal(await bus.deadLetters.purge({ tenant: A, group: group() }), 0, 'a filter matching nothing purges nothing');
      assert.equal(await bus.deadLetters.purge({ tenant: A }), 2);
      assert.equal(await bus.deadLetters.count({ tenant: A }), 0);
      assert.deepEqual(await bus.deadLetters.list({ tenant: B }), before, 'purging A\'s leaves B\'s as they were');
      assert.equal(await bus.deadLetters.purge({ group: g, tenant: B }), 2);
      assert.equal(await bus.deadLetters.count({ group: g }), 0);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(delivered, [a1.message.id], 'only the redriven message was delivered again');
    });

    it('rejects malformed dead-letter options with InvalidArgumentError naming the field', async () => {
      const field = (name: string) => (e: unknown): boolean => isInvalidArgumentError(e) && e.field === name;
      await assert.rejects(bus.deadLetters.list({ limit: 0 }), field('limit'));
      await assert.rejects(bus.deadLetters.list({ tenant: '' }), field('tenant'));
      await assert.rejects(bus.deadLetters.list({ after: { id: 'x', deadLetteredAt: 'yesterday' } }), field('after.deadLetteredAt'));
      await assert.rejects(bus.deadLetters.count({ group: '' }), field('group'));
      await assert.rejects(bus.deadLetters.purge({ tenant: '' }), field('tenant'));
    });

    it('shares a group between two subscribers: each message is handled by one of them', async () => {
      const got: string[] = [];
      const g = group();
      await subscribe({ group: g, path: 'noncritical', handler: async (d) => void got.push(d.message.id) });
      await subscribe({ group: g, path: 'noncritical', handler: async (d) => void got.push(d.message.id) });
      const sent = Array.from({ length: 30 }, (_, i) => message(`k-${i}`, 1, 'noncritical'));
      await bus.publish(sent);
      await waitUntil('30 deliveries', () => got.length >= 30, timeout);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual([...got].sort(), sent.map((m) => m.id).sort());
    });

    it('stops delivering to a closed subscription', async () => {
      const got: string[] = [];
      const g = group();
      const sub = await subscribe({ group: g, path: 'core', handler: async (d) => void got.push(d.message.id) });
      await bus.publish([message('c-1', 1)]);
      await waitUntil('first delivery', () => got.length === 1, timeout);
      await sub.close();
      await bus.publish([message('c-1', 2)]);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(got.length, 1);
    });

    if (options.maxMessageBytes !== undefined) {
      const limit = options.maxMessageBytes;
      it(`rejects a message over ${limit} bytes with MessageTooLargeError`, async () => {
        await subscribe({ group: group(), path: 'core', handler: async () => undefined });
        const big = message('big', 1, 'core', { blob: 'x'.repeat(limit + 1) });
        await assert.rejects(bus.publish([big]), (e: unknown) => isMessageTooLargeError(e) && e.messageId === big.id);
      });
    }

    if (options.durable) it('keeps pending messages, redeliveries and dead letters across close and reopen', async () => {
      assert.ok(fx.reopen, 'a durable bus fixture provides reopen()');
      const g = group();
      const first: string[] = [];
      const sub = await bus.subscribe({
        group: g, path: 'core', maxAttempts: 10,
        handler: async (d) => {
          if (nOf(d) === 2) throw new Error('fail before the restart');
          if (nOf(d) === 9) throw new PermanentError('poison');
          first.push(d.message.id);
        },
      });
      const m1 = message('d-1', 1);
      const m2 = message('d-2', 2);
      const m9 = message('d-9', 9);
      await bus.publish([m1, m2, m9]);
      await waitUntil('first delivery and the dead letter', async () => first.length === 1 && (await bus.deadLetters.count({ group: g })) === 1, timeout);
      await sub.close();
      const m3 = message('d-3', 3);
      await bus.publish([m3]);
      await bus.close();
      bus = await fx.reopen();
      assert.equal(await bus.deadLetters.count({ group: g }), 1, 'dead letter survives a restart');
      const after: Delivery[] = [];
      await subscribe({ group: g, path: 'core', maxAttempts: 10, handler: async (d) => void after.push(d) });
      await waitUntil('m2 (redelivered) and m3 after the restart', () => after.length >= 2, timeout * 2);
      await new Promise((r) => setTimeout(r, 200));
      const ids = after.map((d) => d.message.id);
      assert.deepEqual([...ids].sort(), [m2.id, m3.id].sort());
      assert.ok(after.find((d) => d.message.id === m2.id)!.attempt >= 2, 'the nacked message keeps its attempt count');
    });
  });
}
