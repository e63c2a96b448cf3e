/**
 * Chaos test (mandatory): several concurrent clients drive a few thousand Orders commands
 * against the local SQLite stack while faults fire in every port — latency, transient errors,
 * throttling, "process kill" after work (answer lost), duplicated and cross-stream-reordered
 * bus deliveries — and poison orders that the order-summary projection can never process.
 * Then: no event lost, every stored event reached every projection exactly once in effect,
 * projections equal a clean rebuild, poison events are in the DLQ and nowhere else, no saga
 * is left waiting without a timeout (and all finish once their timeouts fire). Prints counts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type RuntimeAdapters } from '../../runtime/createRuntime';
import { localManifest } from '../../runtime/manifest';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { CommandHandler } from '../../runtime/core/commandHandler';
import { createGovernedPipeline } from '../../runtime/core/schema/governedPipeline';
import { registryUpcasters } from '../../runtime/core/schema/upcasters';
import { ReadSide } from '../../runtime/core/bus';
import { ChaosEventBus, FaultInjector, withChaos, type FaultPlan } from '../../runtime/core/chaos';
import { rebuildProjection, currentIndex, type ProjectionDefinition } from '../../runtime/core/projections';
import type { SagaCoordinator } from '../../runtime/core/sagas';
import { isInvariantViolationError } from '../../runtime/core/aggregate';
import { isRetryable } from '../../runtime/ports/errors';
import { PermanentError } from '../../runtime/ports/EventBus';
import type { SearchDocument, SearchIndex } from '../../runtime/ports/SearchIndex';
import { orderDecider, totalOf } from '../../examples/orders';
import { inventoryDecider } from '../../examples/orders/inventory/inventory';
import { orderSummaryProjection, customerOrdersProjection } from '../../examples/orders/projections';
import { fulfilmentSaga, type FulfilmentState } from '../../examples/orders/sagas';

const CLIENTS = 8;
const COMMANDS_PER_CLIENT = 250;
const SKUS = ['BOOK', 'PEN', 'MUG', 'LAMP', 'RARE'];
const CUSTOMERS = Array.from({ length: 20 }, (_, i) => `cust-${i}`);
const PLAN: FaultPlan = { latencyMs: [0, 2], transientErrorRate: 0.03, throttleRate: 0.01, killAfterRate: 0.01, duplicateRate: 0.03, reorderAcrossKeys: true };

/** The order summary refuses orders of "poison" customers: a handler that can never succeed. */
const poisoned = (p: ProjectionDefinition): ProjectionDefinition => ({
  ...p,
  handlers: Object.fromEntries(Object.entries(p.handlers).map(([type, h]) => [type, async (e, ctx) => {
    if (type === 'OrderPlaced' && String((e.data as { customerId?: unknown }).customerId).startsWith('poison')) {
      throw new PermanentError(`order summary cannot process orders of ${String((e.data as { customerId?: unknown }).customerId)}`);
    }
    return h(e, ctx);
  }])),
});

async function allDocs(search: SearchIndex, index: string): Promise<SearchDocument[]> {
  const out: SearchDocument[] = [];
  let cursor: string | undefined;
  do {
    const page = await search.query(index, { limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('chaos: Orders under faults (local SQLite stack)', function () {
  this.timeout(480_000);
  let dir: string;
  let rt: RuntimeAdapters;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-chaos-'));
    rt = await createRuntime(localManifest(dir));
  });
  after(async () => {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing, applies every event exactly once in effect, dead-letters only poison, leaves no saga stuck', async () => {
    const faults = {
      store: new FaultInjector('event store', { ...PLAN, seed: 1 }),
      checkpoints: new FaultInjector('checkpoints', { ...PLAN, seed: 2 }),
      idempotency: new FaultInjector('idempotency', { ...PLAN, seed: 3 }),
      search: new FaultInjector('search', { ...PLAN, seed: 4 }),
      bus: new FaultInjector('bus', { ...PLAN, seed: 5 }),
    };
    const store = withChaos(rt.eventStore, faults.store, { mutating: ['append'] });
    const checkpoints = withChaos(rt.checkpoints, faults.checkpoints, { mutating: ['set', 'delete'] });
    const idempotency = withChaos(rt.idempotency, faults.idempotency, { mutating: ['putIfAbsent'] });
    const search = withChaos(rt.search, faults.search, { mutating: ['upsert', 'delete'] });
    const bus = new ChaosEventBus(rt.bus, faults.bus);
    const aggregates = new AggregateRegistry([orderDecider, inventoryDecider]);
    const pipeline = createGovernedPipeline({ registry: rt.registry, upcasters: await registryUpcasters(rt.registry) });
    const commands = new CommandHandler({ eventStore: store, idempotency, aggregates, pipeline });
    const projections = [poisoned(orderSummaryProjection), customerOrdersProjection];
    const errors: string[] = [];
    const readSide = new ReadSide({ eventStore: store, bus, checkpoints, search }, {
      routing: { noncritical: [] }, projections, sagas: [fulfilmentSaga({ paymentTimeoutMs: 4000, stalledAfterMs: 1000 })], commands,
      relayPollMs: 5, timeoutPollMs: 100, maxAttempts: 10, pipeline,
      onError: (where, err) => void errors.push(`${where}: ${(err as Error).message}`),
    });
    const saga = readSide.sagas[0] as SagaCoordinator<FulfilmentState>;
    await readSide.start();

    const counts = { commands: 0, accepted: 0, rejected: 0, clientRetries: 0, unexpected: [] as string[] };
    const accepted: Array<{ stream: string; eventIds: string[] }> = [];
    const send = async (aggregateType: string, aggregateId: string, type: string, payload: Record<string, unknown>, commandId: string): Promise<void> => {
      counts.commands++;
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await commands.handle({ tenant: 'acme', aggregateType, aggregateId, type, payload, commandId });
          counts.accepted++;
          accepted.push({ stream: `acme:${r.stream}`, eventIds: r.events.map((e) => e.eventId) });
          return;
        } catch (err) {
          if (isInvariantViolationError(err)) {
            counts.rejected++;
            return;
          }
          if (isRetryable(err) && attempt < 30) {
            counts.clientRetries++;
            continue;
          }
          counts.unexpected.push(`${type} ${aggregateId}: ${(err as Error).message}`);
          return;
        }
      }
    };
    for (const sku of SKUS) await send('Inventory', sku, 'Restock', { quantity: sku === 'RARE' ? 25 : 1_000_000 }, `restock-${sku}`);

    const pool: string[] = [];
    const poisonOrders = new Set<string>();
    const client = async (c: number): Promise<void> => {
      const rnd = new FaultInjector(`client-${c}`, { seed: 100 + c });
      for (let i = 0; i < COMMANDS_PER_CLIENT; i++) {
        const commandId = `cmd-${c}-${i}`;
        const r = rnd.rand();
        if (pool.length < 10 || r < 0.3) {
          const id = `o-${c}-${i}`;
          const customer = rnd.rand() < 0.04 ? `poison-${c}` : rnd.pick(CUSTOMERS);
          if (customer.startsWith('poison')) poisonOrders.add(id);
          const skus = [...new Set([rnd.pick(SKUS), rnd.pick(SKUS)])];
          pool.push(id);
          await send('Order', id, 'PlaceOrder', {
            customerId: customer, currency: 'EUR', items: skus.map((sku) => ({ sku, name: `${sku.toLowerCase()} item`, quantity: 1 + Math.floor(rnd.rand() * 3), unitPriceCents: 250 })),
          }, commandId);
          continue;
        }
        const id = rnd.pick(pool);
        const r2 = rnd.rand();
        if (r2 < 0.15) await send('Order', id, 'AddItem', { sku: rnd.pick(SKUS), name: 'added item', quantity: 1, unitPriceCents: 250 }, commandId);
        else if (r2 < 0.25) await send('Order', id, 'RemoveItem', { sku: rnd.pick(SKUS) }, commandId);
        else if (r2 < 0.8) {
          const state = (await loadAggregate({ eventStore: rt.eventStore, pipeline }, orderDecider, `acme:Order-${id}`)).state;
          await send('Order', id, 'ConfirmPayment', { paymentId: `pay-${commandId}`, amountCents: totalOf(state.items) }, commandId);
        } else if (r2 < 0.85) await send('Order', id, 'ShipOrder', { carrier: 'manual', trackingCode: `T-${commandId}` }, commandId);
        else await send('Order', id, 'CancelOrder', { reason: 'client changed mind' }, commandId);
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    const driveMs = Date.now() - t0;

    // Converge: faults keep firing; wait until the relay is at the end, every saga has finished
    // (payment timeouts fire after 4 s) and each projection equals a clean rebuild.
    const clean = { store: rt.eventStore, search: rt.search, checkpoints: rt.checkpoints };
    let converged = false;
    let rebuilt: Record<string, SearchDocument[]> = {};
    let live: Record<string, SearchDocument[]> = {};
    const deadline = Date.now() + 300_000;
    let lastState = '';
    while (!converged && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2000));
      const relayAt = await rt.checkpoints.get('relay:bus');
      const tail = await rt.eventStore.readAll({ after: relayAt, limit: 1 });
      const active = await saga.activeInstances().catch((err: unknown) => {
        if (isRetryable(err)) return [undefined];
        throw err;
      });
      lastState = `relay behind: ${tail.events.length > 0}, active sagas: ${active.length}`;
      if (tail.events.length > 0 || active.length > 0) continue;
      rebuilt = {};
      live = {};
      for (const p of projections) {
        const r = await rebuildProjection(p, clean, { swap: false });
        rebuilt[p.name] = await allDocs(rt.search, r.index);
        await rt.search.dropIndex(r.index);
        live[p.name] = await allDocs(rt.search, (await currentIndex(rt.checkpoints, p.name))!);
      }
      converged = projections.every((p) => JSON.stringify(live[p.name]) === JSON.stringify(rebuilt[p.name]));
      lastState = projections.map((p) => `${p.name}: live ${live[p.name]!.length} docs, rebuilt ${rebuilt[p.name]!.length}, differing ${
        live[p.name]!.filter((d, i) => JSON.stringify(d) !== JSON.stringify(rebuilt[p.name]![i])).length}`).join('; ');
    }
    await readSide.stop();
    // The checks below read through the same ports: no more faults from here on.
    for (const f of Object.values(faults)) f.enabled = false;

    // --- assertions ---
    assert.deepEqual(counts.unexpected, [], 'every command either succeeded or was refused by a business rule');
    const all = [];
    for (let page = await rt.eventStore.readAll({ limit: 10_000 }); ; page = await rt.eventStore.readAll({ after: page.checkpoint, limit: 10_000 })) {
      all.push(...page.events);
      if (page.isEnd || page.events.length === 0) break;
    }
    const stored = new Set(all.map((e) => e.eventId));
    const lost = accepted.flatMap((a) => a.eventIds).filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], 'no acknowledged event is missing from the store');
    if (!converged) {
      const stuck = await saga.activeInstances();
      for (const a of stuck) {
        const inst = await saga.load('acme', a.streamId.slice('acme:OrderFulfilment-'.length));
        console.log('active saga', a.streamId, JSON.stringify({ state: inst.state, pending: inst.pendingCommands, timeouts: [...inst.timeouts] }));
      }
      console.log('last read-side errors', errors.slice(-8));
    }
    assert.ok(converged, `live projections converged to a clean rebuild (last seen: ${lastState})`);
    for (const p of projections) assert.deepEqual(live[p.name], rebuilt[p.name], `${p.name}: live equals a clean rebuild`);

    // Exactly once in effect: every order document has applied exactly its stream's events, in order.
    const orderStreams = new Map<string, number>();
    for (const e of all) if (e.streamId.startsWith('acme:Order-')) orderStreams.set(e.streamId, Math.max(orderStreams.get(e.streamId) ?? 0, e.version));
    const summaryDocs = live[orderSummaryProjection.name]!;
    for (const d of summaryDocs) {
      const stream = `acme:Order-${String(d.orderId)}`;
      assert.deepEqual(JSON.parse(String(d.appliedVersions)), { [stream]: orderStreams.get(stream) }, `${stream} applied through its last version`);
    }
    const poisonStreams = [...orderStreams.keys()].filter((s) => poisonOrders.has(s.slice('acme:Order-'.length)));
    assert.equal(summaryDocs.length, orderStreams.size - poisonStreams.length, 'one summary per order except poison orders');
    assert.ok(summaryDocs.every((d) => !poisonOrders.has(String(d.orderId))), 'no poison order reached the summary');

    // Poison events: in the summary's DLQ, and nothing else in any DLQ.
    const dead = await rt.bus.deadLetters.list({ limit: 100_000 });
    const expectedPoison = all.filter((e) => poisonStreams.includes(e.streamId) && orderSummaryProjection.handlers[e.type]).map((e) => e.eventId).sort();
    const deadSummary = dead.filter((d) => d.group === 'projection.orderSummary').map((d) => d.message.id).sort();
    assert.ok(poisonStreams.length > 0, 'the run produced poison orders');
    assert.deepEqual(deadSummary, expectedPoison, 'every poison event dead-lettered once, in the order summary group');
    assert.deepEqual(dead.filter((d) => d.group !== 'projection.orderSummary').map((d) => `${d.group}: ${d.error}`), [], 'no other dead letters');
    for (const d of dead) assert.ok(d.error.length > 0 && d.attempts >= 1 && d.message.envelope.subject, 'dead letters keep error, attempts and envelope');

    // Sagas: none left waiting; each finished shipped, cancelled or failed.
    const sagaStreams = [...new Set(all.filter((e) => e.type === 'SagaReacted').map((e) => e.streamId))];
    const phases: Record<string, number> = {};
    for (const s of sagaStreams) {
      const inst = await saga.load('acme', s.slice('acme:OrderFulfilment-'.length));
      phases[inst.state.phase] = (phases[inst.state.phase] ?? 0) + 1;
      assert.ok(inst.status === 'completed' || inst.timeouts.size > 0, `saga ${s} is not stuck without a timeout`);
    }
    assert.deepEqual(await saga.activeInstances(), [], 'every saga completed');

    const runners = readSide.projections;
    const table = {
      'commands sent': counts.commands, 'commands accepted': counts.accepted, 'refused by business rules': counts.rejected,
      'conflicts retried (handler)': commands.stats.conflictsRetried, 'client retries (transient/killed)': counts.clientRetries,
      'relay retries': readSide.relay.stats.retries, 'relay republished (checkpoint conflicts)': readSide.relay.stats.checkpointConflicts,
      'projection retries': runners.reduce((n, r) => n + r.stats.retries, 0),
      'duplicates absorbed (projections)': runners.reduce((n, r) => n + r.stats.duplicates, 0),
      'duplicates absorbed (saga)': saga.stats.duplicates, 'gaps filled from the store': runners.reduce((n, r) => n + r.stats.gapsFilled, 0),
      'DLQ entries': dead.length, 'poison orders': poisonStreams.length, 'events stored': all.length,
      'saga commands issued': saga.stats.commandsIssued, 'saga commands refused': saga.stats.commandsRejected, 'saga timeouts fired': saga.stats.timeoutsFired,
      'sagas by final phase': JSON.stringify(phases),
      ...Object.fromEntries(Object.entries(faults).map(([k, f]) => [`faults ${k}`, JSON.stringify({ ...f.counts, calls: undefined })])),
      'drive time ms': driveMs, 'read-side errors logged (retried)': errors.length,
    };
    console.log('\n  chaos counts');
    console.table(table);
  });
});
