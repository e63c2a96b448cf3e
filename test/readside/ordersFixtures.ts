/** Orders events written straight to a store (no command handler) for read-side tests. */
import type { EventStore } from '../../runtime/ports/EventStore';
import type { StoredEvent } from '../../runtime/ports/events';

let n = 0;
const meta = (tenant: string) => ({ tenant, correlationId: `corr-${n}` });

export function orderEvents(orderId: string, customerId: string, extra: ReadonlyArray<'add' | 'remove' | 'pay' | 'ship' | 'cancel'> = []): Array<{ type: string; data: Record<string, unknown> }> {
  const out: Array<{ type: string; data: Record<string, unknown> }> = [
    { type: 'OrderPlaced', data: { orderId, customerId, currency: 'EUR', items: [{ sku: 'w-1', name: 'red widget', quantity: 2, unitPriceCents: 500 }] } },
  ];
  for (const x of extra) {
    if (x === 'add') out.push({ type: 'ItemAdded', data: { orderId, sku: 'g-2', name: 'blue gadget', quantity: 1, unitPriceCents: 1250 } });
    if (x === 'remove') out.push({ type: 'ItemRemoved', data: { orderId, sku: 'w-1' } });
    if (x === 'pay') out.push({ type: 'PaymentConfirmed', data: { orderId, paymentId: `pay-${orderId}`, amountCents: 1000 } });
    if (x === 'ship') out.push({ type: 'OrderShipped', data: { orderId, carrier: 'ups', trackingNumber: `t-${orderId}` } });
    if (x === 'cancel') out.push({ type: 'OrderCancelled', data: { orderId, reason: 'changed mind' } });
  }
  return out;
}

export async function appendOrder(
  store: EventStore, tenant: string, orderId: string, customerId: string, extra: Parameters<typeof orderEvents>[2] = [],
): Promise<StoredEvent[]> {
  const events = orderEvents(orderId, customerId, extra);
  const out: StoredEvent[] = [];
  for (const e of events) {
    n++;
    const r = await store.append(`${tenant}:Order-${orderId}`, [{ eventId: `${tenant}-${orderId}-${n}`, type: e.type, schemaVersion: 1, data: e.data, metadata: meta(tenant) }]);
    out.push(...r.events);
  }
  return out;
}
