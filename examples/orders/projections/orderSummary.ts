/**
 * Order summary read model: one document per order, searchable by customer, status, item text
 * (names and SKUs) and total range. Idempotent per stream version (updateOnce). Handlers return
 * updateOnce's promise rather than awaiting it: a rebuild runs them once per event of the log.
 */
import type { StoredEvent } from '../../../runtime/ports/events';
import { PermanentError } from '../../../runtime/ports/EventBus';
import { jsonArray, tenantOf, updateOnce, type ProjectionContext, type ProjectionDefinition } from '../../../runtime/core/projections';
import type { OrderLine, OrderShippedData } from '../events';

export interface OrderSummaryDoc {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  readonly currency: string;
  readonly totalCents: number;
  readonly itemCount: number;
  readonly items: string;
  /** The order lines (JSON text when stored; an array while a batch is applied, like jsonMap). */
  readonly linesJson: string;
  readonly placedAt: string;
  readonly updatedAt: string;
  readonly paymentId: string | null;
  readonly trackingNumber: string | null;
  readonly cancelReason: string | null;
  readonly [key: string]: unknown;
}

export const orderDocId = (tenant: string, orderId: string): string => `${tenant}:${orderId}`;

function withLines(doc: OrderSummaryDoc, lines: readonly OrderLine[], at: string): OrderSummaryDoc {
  let items = '';
  let itemCount = 0;
  let totalCents = 0;
  for (const l of lines) {
    items = items.length > 0 ? `${items} ${l.name} ${l.sku}` : `${l.name} ${l.sku}`;
    itemCount += l.quantity;
    totalCents += l.quantity * l.unitPriceCents;
  }
  // The array itself is stored (serialised when the engine writes): no JSON round trip per event.
  return { ...doc, linesJson: lines as unknown as string, items, itemCount, totalCents, updatedAt: at };
}

const linesOf = (doc: OrderSummaryDoc): readonly OrderLine[] => jsonArray<OrderLine>(doc, 'linesJson');

/** Applies `change` to an existing order document; an order the projection never saw is a gap (filled from the store). */
function change(ctx: ProjectionContext, e: StoredEvent, fn: (doc: OrderSummaryDoc) => OrderSummaryDoc): Promise<boolean> {
  const orderId = (e.data as { orderId: string }).orderId;
  return updateOnce<OrderSummaryDoc>(ctx, orderDocId(tenantOf(e), orderId), e, (doc) => {
    if (!doc) throw new PermanentError(`order summary: ${e.type} for order ${orderId} whose OrderPlaced was never applied`);
    return fn(doc);
  });
}

export const orderSummaryProjection: ProjectionDefinition = {
  name: 'orderSummary',
  index: {
    fields: [
      { name: 'orderId', type: 'keyword' },
      { name: 'customerId', type: 'keyword' },
      { name: 'status', type: 'keyword' },
      { name: 'currency', type: 'keyword' },
      { name: 'totalCents', type: 'number' },
      { name: 'itemCount', type: 'number' },
      { name: 'items', type: 'text' },
      { name: 'linesJson', type: 'keyword', filterable: false, sortable: false },
      { name: 'placedAt', type: 'date' },
      { name: 'updatedAt', type: 'date' },
      { name: 'paymentId', type: 'keyword' },
      { name: 'trackingNumber', type: 'keyword' },
      { name: 'cancelReason', type: 'text', searchable: false },
    ],
  },
  handlers: {
    OrderPlaced: (e, ctx) => {
      const d = e.data as { orderId: string; customerId: string; currency: string; items: OrderLine[] };
      const id = orderDocId(tenantOf(e), d.orderId);
      return updateOnce<OrderSummaryDoc>(ctx, id, e, () =>
        withLines(
          {
            id, orderId: d.orderId, customerId: d.customerId, status: 'placed', currency: d.currency,
            totalCents: 0, itemCount: 0, items: '', linesJson: '[]', placedAt: e.recordedAt, updatedAt: e.recordedAt,
            paymentId: null, trackingNumber: null, cancelReason: null,
          },
          d.items,
          e.recordedAt,
        ),
      );
    },
    ItemAdded: (e, ctx) =>
      change(ctx, e, (doc) => {
        const l = e.data as unknown as OrderLine;
        const lines = linesOf(doc);
        const existing = lines.find((x) => x.sku === l.sku);
        const next = existing
          ? lines.map((x) => (x.sku === l.sku ? { ...x, quantity: x.quantity + l.quantity } : x))
          : [...lines, { sku: l.sku, name: l.name, quantity: l.quantity, unitPriceCents: l.unitPriceCents }];
        return withLines(doc, next, e.recordedAt);
      }),
    ItemRemoved: (e, ctx) => change(ctx, e, (doc) => withLines(doc, linesOf(doc).filter((x) => x.sku !== (e.data as { sku: string }).sku), e.recordedAt)),
    PaymentConfirmed: (e, ctx) => change(ctx, e, (doc) => ({ ...doc, status: 'paid', paymentId: (e.data as { paymentId: string }).paymentId, updatedAt: e.recordedAt })),
    // Events arrive upcast to their latest version (the runtime wires the governed pipeline's
    // afterRead into runners and rebuilds): OrderShipped v1's trackingNumber is v2's trackingCode.
    OrderShipped: (e, ctx) => change(ctx, e, (doc) => ({ ...doc, status: 'shipped', trackingNumber: (e.data as unknown as OrderShippedData).trackingCode, updatedAt: e.recordedAt })),
    OrderCancelled: (e, ctx) => change(ctx, e, (doc) => ({ ...doc, status: 'cancelled', cancelReason: (e.data as { reason: string }).reason, updatedAt: e.recordedAt })),
  },
};
