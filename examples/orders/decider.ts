/**
 * The Order aggregate's decisions. Each rule has a stable name (the `rule` of the
 * InvariantViolationError and the API's 422 body).
 */
import { InvariantViolationError, type Decider } from '../../runtime/core/aggregate';
import { ORDER_COMMANDS, type OrderCommand } from './commands';
import { ORDER_EVENT_TYPES, ORDER_SCHEMA_VERSIONS, type OrderEvent, type OrderLine } from './events';
import { ORDER_STATE_VERSION, evolveOrder, initialOrderState, totalOf, type OrderState } from './state';

/** Max distinct lines in one order. */
export const MAX_ORDER_LINES = 100;

function fail(rule: string, detail: string): never {
  throw new InvariantViolationError(rule, detail);
}

function checkLine(line: OrderLine, where: string): void {
  if (line.quantity <= 0) fail('quantity-must-be-positive', `${where}: quantity of ${line.sku} is ${line.quantity}, expected > 0`);
  if (line.unitPriceCents < 0) fail('price-must-not-be-negative', `${where}: unitPriceCents of ${line.sku} is ${line.unitPriceCents}, expected >= 0`);
}

function mustBeOpen(state: OrderState, id: string, action: string): void {
  if (state.status === 'none') fail('order-must-exist', `order ${id} has not been placed; cannot ${action}`);
  if (state.status === 'cancelled') fail('cannot-change-cancelled-order', `order ${id} is cancelled; cannot ${action}`);
  if (state.status === 'shipped') fail('cannot-change-items-after-shipping', `order ${id} has shipped; cannot ${action}`);
  if (state.status === 'paid') fail('cannot-change-items-after-payment', `order ${id} is paid; cannot ${action}`);
}

export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  const orderId = command.aggregateId;
  switch (command.type) {
    case 'PlaceOrder': {
      if (state.status !== 'none') fail('order-already-placed', `order ${orderId} was already placed`);
      const items = command.payload.items ?? [];
      const skus = new Set<string>();
      items.forEach((l, i) => {
        checkLine(l, `items[${i}]`);
        if (skus.has(l.sku)) fail('sku-appears-once-per-order', `items[${i}]: sku ${l.sku} appears twice`);
        skus.add(l.sku);
      });
      const { customerId, currency } = command.payload;
      const channel = command.payload.channel ?? null;
      return [{ type: 'OrderPlaced', data: { orderId, customerId, currency, items: items.map((l) => ({ ...l })), channel } }];
    }
    case 'AddItem': {
      mustBeOpen(state, orderId, 'add items');
      const { sku, name, quantity, unitPriceCents } = command.payload;
      checkLine(command.payload, 'AddItem');
      const existing = state.items.find((l) => l.sku === sku);
      if (existing && existing.unitPriceCents !== unitPriceCents) {
        fail('one-price-per-sku', `sku ${sku} is in order ${orderId} at ${existing.unitPriceCents} cents, not ${unitPriceCents}`);
      }
      if (!existing && state.items.length >= MAX_ORDER_LINES) fail('max-order-lines', `order ${orderId} already has ${MAX_ORDER_LINES} lines`);
      return [{ type: 'ItemAdded', data: { orderId, sku, name, quantity, unitPriceCents } }];
    }
    case 'RemoveItem': {
      mustBeOpen(state, orderId, 'remove items');
      const { sku } = command.payload;
      if (!state.items.some((l) => l.sku === sku)) fail('item-must-be-in-order', `sku ${sku} is not in order ${orderId}`);
      return [{ type: 'ItemRemoved', data: { orderId, sku } }];
    }
    case 'ConfirmPayment': {
      const { paymentId, amountCents } = command.payload;
      if (state.status === 'none') fail('order-must-exist', `order ${orderId} has not been placed`);
      if (state.status === 'cancelled') fail('cannot-pay-cancelled-order', `order ${orderId} is cancelled`);
      if (state.status === 'paid' || state.status === 'shipped') fail('order-already-paid', `order ${orderId} was already paid (${state.paymentId ?? ''})`);
      if (state.items.length === 0) fail('cannot-pay-empty-order', `order ${orderId} has no items`);
      const total = totalOf(state.items);
      if (amountCents !== total) fail('payment-must-equal-total', `order ${orderId} totals ${total} cents, payment is ${amountCents}`);
      return [{ type: 'PaymentConfirmed', data: { orderId, paymentId, amountCents } }];
    }
    case 'ShipOrder': {
      if (state.status === 'none') fail('order-must-exist', `order ${orderId} has not been placed`);
      if (state.status === 'cancelled') fail('cannot-ship-cancelled-order', `order ${orderId} is cancelled`);
      if (state.status === 'shipped') fail('order-already-shipped', `order ${orderId} has already shipped`);
      if (state.status !== 'paid') fail('cannot-ship-unpaid-order', `order ${orderId} is not paid`);
      const { carrier, trackingCode } = command.payload;
      return [{ type: 'OrderShipped', data: { orderId, carrier, trackingCode } }];
    }
    case 'CancelOrder': {
      if (state.status === 'none') fail('order-must-exist', `order ${orderId} has not been placed`);
      if (state.status === 'shipped') fail('cannot-cancel-shipped-order', `order ${orderId} has shipped`);
      if (state.status === 'cancelled') fail('order-already-cancelled', `order ${orderId} is already cancelled`);
      return [{ type: 'OrderCancelled', data: { orderId, reason: command.payload.reason } }];
    }
  }
}

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  aggregateType: 'Order',
  initialState: initialOrderState,
  decide: decideOrder,
  evolve: evolveOrder,
  stateVersion: ORDER_STATE_VERSION,
  eventTypes: ORDER_EVENT_TYPES,
  commands: ORDER_COMMANDS,
  schemaVersions: ORDER_SCHEMA_VERSIONS,
};
