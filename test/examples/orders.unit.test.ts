/** The Order aggregate, specified with given/when/then over its pure decide/evolve. */
import assert from 'node:assert/strict';
import { InvariantViolationError, UndeclaredEventError } from '../../runtime/core/aggregate';
import { specify } from '../../runtime/core/testing';
import { orderDecider, MAX_ORDER_LINES, type OrderCommand, type OrderEvent } from '../../examples/orders';

const { given } = specify(orderDecider);
const id = '42';
const cmd = <T extends OrderCommand['type']>(type: T, payload: Extract<OrderCommand, { type: T }>['payload']): OrderCommand =>
  ({ type, aggregateId: id, payload }) as OrderCommand;

const book = { sku: 'BOOK-1', name: 'A book', quantity: 2, unitPriceCents: 1500 };
const pen = { sku: 'PEN-1', name: 'A pen', quantity: 1, unitPriceCents: 250 };
const placed: OrderEvent = { type: 'OrderPlaced', data: { orderId: id, customerId: 'c-1', currency: 'EUR', items: [book], channel: null } };
const penAdded: OrderEvent = { type: 'ItemAdded', data: { orderId: id, ...pen } };
const paid: OrderEvent = { type: 'PaymentConfirmed', data: { orderId: id, paymentId: 'pay-1', amountCents: 3000 } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId: id, carrier: 'DHL', trackingCode: 'T1' } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: id, reason: 'changed mind' } };

describe('Order aggregate', () => {
  describe('PlaceOrder', () => {
    it('places a new order with its items', () => {
      const state = given([]).when(cmd('PlaceOrder', { customerId: 'c-1', currency: 'EUR', items: [book] })).then([placed]);
      assert.equal(state.status, 'placed');
      assert.equal(state.totalCents, 3000);
    });
    it('records the channel when given', () => {
      given([]).when(cmd('PlaceOrder', { customerId: 'c-1', currency: 'EUR', items: [book], channel: 'web' }))
        .then([{ type: 'OrderPlaced', data: { ...placed.data, channel: 'web' } }]);
    });
    it('places an order without items', () => {
      given([]).when(cmd('PlaceOrder', { customerId: 'c-1', currency: 'EUR' }))
        .then([{ type: 'OrderPlaced', data: { orderId: id, customerId: 'c-1', currency: 'EUR', items: [], channel: null } }]);
    });
    it('cannot place the same order twice', () => {
      given([placed]).when(cmd('PlaceOrder', { customerId: 'c-1', currency: 'EUR' })).thenThrows(InvariantViolationError, 'order-already-placed');
    });
    it('rejects a zero quantity', () => {
      given([]).when(cmd('PlaceOrder', { customerId: 'c', currency: 'EUR', items: [{ ...book, quantity: 0 }] }))
        .thenThrows(InvariantViolationError, 'quantity-must-be-positive');
    });
    it('rejects a negative price', () => {
      given([]).when(cmd('PlaceOrder', { customerId: 'c', currency: 'EUR', items: [{ ...book, unitPriceCents: -1 }] }))
        .thenThrows(InvariantViolationError, 'price-must-not-be-negative');
    });
    it('rejects the same sku twice', () => {
      given([]).when(cmd('PlaceOrder', { customerId: 'c', currency: 'EUR', items: [book, book] }))
        .thenThrows(InvariantViolationError, 'sku-appears-once-per-order');
    });
  });

  describe('AddItem', () => {
    it('adds a line and updates the total', () => {
      const state = given([placed]).when(cmd('AddItem', pen)).then([penAdded]);
      assert.equal(state.totalCents, 3250);
      assert.equal(state.items.length, 2);
    });
    it('adding an existing sku increases its quantity', () => {
      const state = given([placed]).when(cmd('AddItem', { ...book, quantity: 1 }))
        .then([{ type: 'ItemAdded', data: { orderId: id, ...book, quantity: 1 } }]);
      assert.deepEqual(state.items, [{ ...book, quantity: 3 }]);
    });
    it('rejects a different price for a sku already in the order', () => {
      given([placed]).when(cmd('AddItem', { ...book, unitPriceCents: 1 })).thenThrows(InvariantViolationError, 'one-price-per-sku');
    });
    it('rejects quantity <= 0', () => {
      given([placed]).when(cmd('AddItem', { ...pen, quantity: -3 })).thenThrows(InvariantViolationError, 'quantity-must-be-positive');
    });
    it('needs a placed order', () => {
      given([]).when(cmd('AddItem', pen)).thenThrows(InvariantViolationError, 'order-must-exist');
    });
    it('cannot add items after shipping', () => {
      given([placed, paid, shipped]).when(cmd('AddItem', pen)).thenThrows(InvariantViolationError, 'cannot-change-items-after-shipping');
    });
    it('cannot add items after payment', () => {
      given([placed, paid]).when(cmd('AddItem', pen)).thenThrows(InvariantViolationError, 'cannot-change-items-after-payment');
    });
    it('cannot add items to a cancelled order', () => {
      given([placed, cancelled]).when(cmd('AddItem', pen)).thenThrows(InvariantViolationError, 'cannot-change-cancelled-order');
    });
    it(`refuses more than ${MAX_ORDER_LINES} lines`, () => {
      const many: OrderEvent[] = Array.from({ length: MAX_ORDER_LINES - 1 }, (_, i) => ({
        type: 'ItemAdded' as const, data: { orderId: id, sku: `S-${i}`, name: 'x', quantity: 1, unitPriceCents: 1 },
      }));
      given([placed, ...many]).when(cmd('AddItem', pen)).thenThrows(InvariantViolationError, 'max-order-lines');
    });
  });

  describe('RemoveItem', () => {
    it('removes a line and updates the total', () => {
      const state = given([placed, penAdded]).when(cmd('RemoveItem', { sku: 'BOOK-1' }))
        .then([{ type: 'ItemRemoved', data: { orderId: id, sku: 'BOOK-1' } }]);
      assert.equal(state.totalCents, 250);
    });
    it('rejects a sku that is not in the order', () => {
      given([placed]).when(cmd('RemoveItem', { sku: 'NOPE' })).thenThrows(InvariantViolationError, 'item-must-be-in-order');
    });
    it('cannot remove items after shipping', () => {
      given([placed, paid, shipped]).when(cmd('RemoveItem', { sku: 'BOOK-1' })).thenThrows(InvariantViolationError, 'cannot-change-items-after-shipping');
    });
  });

  describe('ConfirmPayment', () => {
    it('confirms a payment of the exact total', () => {
      const state = given([placed]).when(cmd('ConfirmPayment', { paymentId: 'pay-1', amountCents: 3000 })).then([paid]);
      assert.equal(state.status, 'paid');
    });
    it('rejects an amount that differs from the total', () => {
      given([placed, penAdded]).when(cmd('ConfirmPayment', { paymentId: 'p', amountCents: 3000 }))
        .thenThrows(InvariantViolationError, 'payment-must-equal-total');
    });
    it('cannot pay a cancelled order', () => {
      given([placed, cancelled]).when(cmd('ConfirmPayment', { paymentId: 'p', amountCents: 3000 }))
        .thenThrows(InvariantViolationError, 'cannot-pay-cancelled-order');
    });
    it('cannot pay twice', () => {
      given([placed, paid]).when(cmd('ConfirmPayment', { paymentId: 'p2', amountCents: 3000 })).thenThrows(InvariantViolationError, 'order-already-paid');
    });
    it('cannot pay an empty order', () => {
      given([{ type: 'OrderPlaced', data: { orderId: id, customerId: 'c', currency: 'EUR', items: [], channel: null } }])
        .when(cmd('ConfirmPayment', { paymentId: 'p', amountCents: 0 })).thenThrows(InvariantViolationError, 'cannot-pay-empty-order');
    });
    it('cannot pay an order that does not exist', () => {
      given([]).when(cmd('ConfirmPayment', { paymentId: 'p', amountCents: 0 })).thenThrows(InvariantViolationError, 'order-must-exist');
    });
  });

  describe('ShipOrder', () => {
    it('ships a paid order', () => {
      const state = given([placed, paid]).when(cmd('ShipOrder', { carrier: 'DHL', trackingCode: 'T1' })).then([shipped]);
      assert.equal(state.status, 'shipped');
    });
    it('cannot ship an unpaid order', () => {
      given([placed]).when(cmd('ShipOrder', { carrier: 'DHL', trackingCode: 'T1' })).thenThrows(InvariantViolationError, 'cannot-ship-unpaid-order');
    });
    it('cannot ship a cancelled order', () => {
      given([placed, paid, cancelled]).when(cmd('ShipOrder', { carrier: 'DHL', trackingCode: 'T1' }))
        .thenThrows(InvariantViolationError, 'cannot-ship-cancelled-order');
    });
    it('cannot ship twice', () => {
      given([placed, paid, shipped]).when(cmd('ShipOrder', { carrier: 'DHL', trackingCode: 'T2' })).thenThrows(InvariantViolationError, 'order-already-shipped');
    });
  });

  describe('CancelOrder', () => {
    it('cancels a placed order', () => {
      assert.equal(given([placed]).when(cmd('CancelOrder', { reason: 'changed mind' })).then([cancelled]).status, 'cancelled');
    });
    it('cancels a paid, unshipped order', () => {
      given([placed, paid]).when(cmd('CancelOrder', { reason: 'changed mind' })).then([cancelled]);
    });
    it('cannot cancel a shipped order', () => {
      given([placed, paid, shipped]).when(cmd('CancelOrder', { reason: 'late' })).thenThrows(InvariantViolationError, 'cannot-cancel-shipped-order');
    });
    it('cannot cancel twice', () => {
      given([placed, cancelled]).when(cmd('CancelOrder', { reason: 'again' })).thenThrows(InvariantViolationError, 'order-already-cancelled');
    });
  });

  describe('the DSL itself', () => {
    it('folds the history into the state', () => {
      given([placed, penAdded]).thenState({
        status: 'placed', orderId: id, customerId: 'c-1', currency: 'EUR', items: [book, pen], totalCents: 3250, paymentId: null,
      });
    });
    it('fails a spec whose expected events differ', () => {
      assert.throws(() => given([placed]).when(cmd('AddItem', pen)).then([]), assert.AssertionError);
    });
    it('fails thenThrows when decide succeeds', () => {
      assert.throws(() => given([placed]).when(cmd('AddItem', pen)).thenThrows(InvariantViolationError), assert.AssertionError);
    });
    it('rejects an event type the aggregate does not declare', () => {
      const rogue = { ...orderDecider, decide: () => [{ type: 'OrderTeleported', data: {} }] as unknown as OrderEvent[] };
      specify(rogue).given([]).when(cmd('CancelOrder', { reason: 'x' })).thenThrows(UndeclaredEventError, 'aggregate-emits-declared-event-types-only');
    });
  });
});
