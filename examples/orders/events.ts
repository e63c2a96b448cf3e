/**
 * Orders event types and payloads. Plain JSON only — strings, integers (money in cents),
 * arrays of records — so that the Avro schemas in `schemas/` describe them exactly.
 * Every field is required (no optional fields): Avro unions stay out of the contract.
 */
import type { DomainEvent } from '../../runtime/core/aggregate';

export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  /** > 0 */
  readonly quantity: number;
  /** Unit price in minor units of the order's currency, >= 0. */
  readonly unitPriceCents: number;
}

export interface OrderPlacedData {
  readonly orderId: string;
  readonly customerId: string;
  /** ISO-4217 code, e.g. "EUR". */
  readonly currency: string;
  readonly items: readonly OrderLine[];
}
export interface ItemAddedData extends OrderLine {
  readonly orderId: string;
}
export interface ItemRemovedData {
  readonly orderId: string;
  readonly sku: string;
}
export interface PaymentConfirmedData {
  readonly orderId: string;
  readonly paymentId: string;
  readonly amountCents: number;
}
export interface OrderShippedData {
  readonly orderId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
}
export interface OrderCancelledData {
  readonly orderId: string;
  readonly reason: string;
}

export type OrderPlaced = DomainEvent<'OrderPlaced', OrderPlacedData>;
export type ItemAdded = DomainEvent<'ItemAdded', ItemAddedData>;
export type ItemRemoved = DomainEvent<'ItemRemoved', ItemRemovedData>;
export type PaymentConfirmed = DomainEvent<'PaymentConfirmed', PaymentConfirmedData>;
export type OrderShipped = DomainEvent<'OrderShipped', OrderShippedData>;
export type OrderCancelled = DomainEvent<'OrderCancelled', OrderCancelledData>;

export type OrderEvent = OrderPlaced | ItemAdded | ItemRemoved | PaymentConfirmed | OrderShipped | OrderCancelled;

export const ORDER_EVENT_TYPES = [
  'OrderPlaced', 'ItemAdded', 'ItemRemoved', 'PaymentConfirmed', 'OrderShipped', 'OrderCancelled',
] as const satisfies readonly OrderEvent['type'][];
