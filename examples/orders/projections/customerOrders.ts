/**
 * Per-customer order counts: one document per customer (orders by status, lifetime orders).
 * Events after OrderPlaced carry only the order id, so an order→customer link document is kept
 * in the same index. Idempotent per order stream: the customer document records the last
 * applied version of each of its order streams.
 */
import type { StoredEvent } from '../../../runtime/ports/events';
import { PermanentError } from '../../../runtime/ports/EventBus';
import { jsonMap, ProjectionGapError, tenantOf, updateOnce, type ProjectionContext, type ProjectionDefinition } from '../../../runtime/core/projections';

type Status = 'placed' | 'paid' | 'shipped' | 'cancelled';

export interface CustomerOrdersDoc {
  readonly id: string;
  readonly kind: 'customer' | 'orderLink';
  readonly customerId: string;
  readonly orderCount: number;
  readonly placed: number;
  readonly paid: number;
  readonly shipped: number;
  readonly cancelled: number;
  /** orderId → status (canonical JSON when stored; an object while a batch is applied). */
  readonly ordersJson: string;
  readonly [key: string]: unknown;
}

export const customerDocId = (tenant: string, customerId: string): string => `${tenant}:customer:${customerId}`;
const linkId = (tenant: string, orderId: string): string => `${tenant}:order:${orderId}`;

function withStatus(doc: CustomerOrdersDoc | undefined, customerId: string, id: string, orderId: string, status: Status | undefined): CustomerOrdersDoc {
  const orders = { ...jsonMap<Status>(doc, 'ordersJson') };
  const before = orders[orderId];
  const counts = { orderCount: doc?.orderCount ?? 0, placed: doc?.placed ?? 0, paid: doc?.paid ?? 0, shipped: doc?.shipped ?? 0, cancelled: doc?.cancelled ?? 0 };
  if (status && status !== before) {
    // Counts move incrementally: no pass over every order of the customer per event.
    if (before) counts[before]--;
    else counts.orderCount++;
    counts[status]++;
    orders[orderId] = status;
  }
  return { ...(doc ?? {}), id, kind: 'customer', customerId, ordersJson: orders as unknown as string, ...counts };
}

/** Status after a follow-up event (undefined: unchanged). */
const STATUS_OF: Readonly<Record<string, Status | undefined>> = {
  ItemAdded: undefined, ItemRemoved: undefined, PaymentConfirmed: 'paid', OrderShipped: 'shipped', OrderCancelled: 'cancelled',
};

async function followUp(e: StoredEvent, ctx: ProjectionContext): Promise<void> {
  const tenant = tenantOf(e);
  const orderId = (e.data as { orderId: string }).orderId;
  const link = await ctx.get(linkId(tenant, orderId));
  // Not linked yet: this projection has not applied the order's OrderPlaced — fetch it from the store first.
  if (!link) throw new ProjectionGapError(e.streamId, 1, e.version - 1);
  const customerId = String(link.customerId);
  const id = customerDocId(tenant, customerId);
  await updateOnce<CustomerOrdersDoc>(ctx, id, e, (doc) => {
    if (!doc) throw new PermanentError(`customer orders: no document for customer ${customerId} of order ${orderId}`);
    return withStatus(doc, customerId, id, orderId, STATUS_OF[e.type]);
  });
}

export const customerOrdersProjection: ProjectionDefinition = {
  name: 'customerOrders',
  index: {
    fields: [
      { name: 'kind', type: 'keyword' },
      { name: 'customerId', type: 'keyword' },
      { name: 'orderCount', type: 'number' },
      { name: 'placed', type: 'number' },
      { name: 'paid', type: 'number' },
      { name: 'shipped', type: 'number' },
      { name: 'cancelled', type: 'number' },
      { name: 'ordersJson', type: 'keyword', filterable: false, sortable: false },
    ],
  },
  handlers: {
    OrderPlaced: async (e, ctx) => {
      const tenant = tenantOf(e);
      const { orderId, customerId } = e.data as { orderId: string; customerId: string };
      await updateOnce(ctx, linkId(tenant, orderId), e, () => ({
        id: linkId(tenant, orderId), kind: 'orderLink', customerId, orderCount: 0, placed: 0, paid: 0, shipped: 0, cancelled: 0, ordersJson: '{}',
      }));
      const id = customerDocId(tenant, customerId);
      await updateOnce<CustomerOrdersDoc>(ctx, id, e, (doc) => withStatus(doc, customerId, id, orderId, 'placed'));
    },
    ItemAdded: followUp,
    ItemRemoved: followUp,
    PaymentConfirmed: followUp,
    OrderShipped: followUp,
    OrderCancelled: followUp,
  },
};
