/**
 * A realistic Orders history for the migration rehearsal: orders placed, changed, paid, shipped
 * or cancelled over simulated weeks, with OrderPlaced and OrderShipped stored in both schema
 * versions (v1 events need upcasting on read), multi-event appends, metadata on every event,
 * and snapshots of some streams. Written through the normal append path with a manual clock.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock, type EventStore, type NewEvent, type SnapshotStore } from '../../runtime/ports';

export interface HistoryOptions {
  readonly orders: number;
  readonly tenants?: readonly string[];
  /** Every n-th order gets a snapshot at its last version. */
  readonly snapshotEvery?: number;
}

export interface HistoryStats {
  readonly streams: number;
  readonly events: number;
  readonly appends: number;
  readonly snapshots: number;
  readonly v1Events: number;
}

const SKUS = [
  { sku: 'SKU-CHAIR', name: 'Oak chair', unitPriceCents: 8900 },
  { sku: 'SKU-LAMP', name: 'Desk lamp', unitPriceCents: 2450 },
  { sku: 'SKU-MUG', name: 'Blue mug', unitPriceCents: 900 },
  { sku: 'SKU-RUG', name: 'Wool rug', unitPriceCents: 15900 },
  { sku: 'SKU-PEN', name: 'Fountain pen', unitPriceCents: 3900 },
];

/** Deterministic pseudo-random numbers (same history shape on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Clock the store stamps with; the writer moves it between appends. */
export const historyClock = (): ManualClock => new ManualClock(new Date('2026-03-01T08:00:00.000Z'));

export async function writeOrdersHistory(store: EventStore, snapshots: SnapshotStore, clock: ManualClock, o: HistoryOptions): Promise<HistoryStats> {
  const rand = rng(42);
  const tenants = o.tenants ?? ['acme', 'globex'];
  let events = 0;
  let appends = 0;
  let snapshotCount = 0;
  let v1Events = 0;
  for (let i = 0; i < o.orders; i++) {
    const tenant = tenants[i % tenants.length]!;
    const orderId = `o${String(i).padStart(5, '0')}-${randomUUID().slice(0, 6)}`;
    const streamId = `${tenant}:Order-${orderId}`;
    const old = i % 3 === 0; // a third of the history predates the v2 schemas
    const correlationId = randomUUID();
    const meta = (n: number) => ({ tenant, correlationId, causationId: `cmd-${orderId}-${n}`, actor: `user-${i % 17}`, commandId: `cmd-${orderId}-${n}` });
    const line = () => ({ ...SKUS[Math.floor(rand() * SKUS.length)]!, quantity: 1 + Math.floor(rand() * 3) });
    const batches: NewEvent[][] = [];
    const first = [line()];
    const placed: Record<string, unknown> = { orderId, customerId: `c-${i % 97}`, currency: 'EUR', items: first };
    if (!old) placed['channel'] = i % 2 === 0 ? 'web' : null;
    const opening: NewEvent[] = [{ eventId: randomUUID(), type: 'OrderPlaced', schemaVersion: old ? 1 : 2, data: placed, metadata: meta(0) }];
    // Some orders add a second line in the same command (one append, one recordedAt).
    if (rand() < 0.4) opening.push({ eventId: randomUUID(), type: 'ItemAdded', schemaVersion: 1, data: { orderId, ...line() }, metadata: meta(0) });
    batches.push(opening);
    const changes = Math.floor(rand() * 3);
    for (let c = 0; c < changes; c++) {
      batches.push([rand() < 0.75
        ? { eventId: randomUUID(), type: 'ItemAdded', schemaVersion: 1, data: { orderId, ...line() }, metadata: meta(c + 1) }
        : { eventId: randomUUID(), type: 'ItemRemoved', schemaVersion: 1, data: { orderId, sku: first[0]!.sku }, metadata: meta(c + 1) }]);
    }
    const fate = rand();
    if (fate < 0.15) {
      batches.push([{ eventId: randomUUID(), type: 'OrderCancelled', schemaVersion: 1, data: { orderId, reason: 'changed my mind' }, metadata: meta(9) }]);
    } else if (fate < 0.9) {
      batches.push([{ eventId: randomUUID(), type: 'PaymentConfirmed', schemaVersion: 1, data: { orderId, paymentId: `pay-${orderId}`, amountCents: 1 }, metadata: meta(10) }]);
      if (fate < 0.7) {
        batches.push([old
          ? { eventId: randomUUID(), type: 'OrderShipped', schemaVersion: 1, data: { orderId, carrier: 'DHL', trackingNumber: `TN${i}` }, metadata: meta(11) }
          : { eventId: randomUUID(), type: 'OrderShipped', schemaVersion: 2, data: { orderId, carrier: 'UPS', trackingCode: `TC${i}` }, metadata: meta(11) }]);
      }
    }
    let version = 0;
    for (const batch of batches) {
      clock.advance(1 + Math.floor(rand() * 50));
      const r = await store.append(streamId, batch, version === 0 ? 'no_stream' : version);
      version = r.nextVersion;
      appends += 1;
      events += batch.length;
      v1Events += batch.filter((e) => e.schemaVersion === 1 && (e.type === 'OrderPlaced' || e.type === 'OrderShipped')).length;
    }
    if (o.snapshotEvery && i % o.snapshotEvery === 0) {
      await snapshots.save({
        streamId, aggregateType: 'Order', version, stateVersion: 1,
        state: { orderId, status: 'snapshotted', lines: first, tags: { tenant, nested: { b: 2, a: 1 } } },
        takenAt: clock.now().toISOString(),
      });
      snapshotCount += 1;
    }
  }
  return { streams: o.orders, events, appends, snapshots: snapshotCount, v1Events };
}
