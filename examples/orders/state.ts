/**
 * Order state and evolve. The state is plain JSON (it is snapshotted); bump ORDER_STATE_VERSION
 * whenever its shape changes so that snapshots of the old shape are ignored, not misread.
 */
import type { OrderEvent, OrderLine } from './events';

export type OrderStatus = 'none' | 'placed' | 'paid' | 'shipped' | 'cancelled';

export interface OrderState {
  readonly status: OrderStatus;
  readonly orderId: string | null;
  readonly customerId: string | null;
  readonly currency: string | null;
  readonly items: readonly OrderLine[];
  readonly totalCents: number;
  readonly paymentId: string | null;
}

export const ORDER_STATE_VERSION = 1;

export const initialOrderState: OrderState = {
  status: 'none', orderId: null, customerId: null, currency: null, items: [], totalCents: 0, paymentId: null,
};

export function totalOf(items: readonly OrderLine[]): number {
  return items.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
}

function withItems(state: OrderState, items: readonly OrderLine[]): OrderState {
  return { ...state, items, totalCents: totalOf(items) };
}

export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, currency, items } = event.data;
      return withItems({ ...state, status: 'placed', orderId, customerId, currency }, items.map((l) => ({ ...l })));
    }
    case 'ItemAdded': {
      const { sku, name, quantity, unitPriceCents } = event.data;
      const existing = state.items.find((l) => l.sku === sku);
      const items = existing
        ? state.items.map((l) => (l.sku === sku ? { ...l, quantity: l.quantity + quantity } : l))
        : [...state.items, { sku, name, quantity, unitPriceCents }];
      return withItems(state, items);
    }
    case 'ItemRemoved':
      return withItems(state, state.items.filter((l) => l.sku !== event.data.sku));
    case 'PaymentConfirmed':
      return { ...state, status: 'paid', paymentId: event.data.paymentId };
    case 'OrderShipped':
      return { ...state, status: 'shipped' };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled' };
  }
}
