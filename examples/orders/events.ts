/**
 * Orders event types and payloads. Plain JSON only — strings, integers (money in cents),
 * arrays of records — so that the Avro schemas in `schemas/` describe them exactly.
 * Fields are required; the one nullable field (OrderPlaced.channel) is a ["null","string"] union.
 * The decider writes the latest schema version of each type (ORDER_SCHEMA_VERSIONS); older
 * stored versions reach it upcast by the governed pipeline.
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
  /** Where the order was placed (web, mobile, api, ...); null when unknown. Schema v2. */
  readonly channel: string | null;
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
  /** Schema v2 name (v1 called it trackingNumber; the upcaster carries old events over). */
  readonly trackingCode: string;
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

/** Schema version the decider writes per event type: the latest in schemas/orders/. */
export const ORDER_SCHEMA_VERSIONS = { OrderPlaced: 2, OrderShipped: 2 } as const satisfies Partial<Record<OrderEvent['type'], number>>;
