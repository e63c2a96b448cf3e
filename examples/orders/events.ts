/**
 * Orders event types and payloads. Plain JSON only — strings, integers (money in cents),
 * arrays of records — so that the Avro schemas in `schemas/` describe them exactly.
 * Fields are required; the one nullable field (OrderPlaced.channel) is a ["null","string"] union.
 * The decider writes the latest schema version of each type (ORDER_SCHEMA_VERSIONS); older
 * stored versions reach it upcast by the governed pipeline.
 */
import type { DomainEvent } from '../../runtime/core/aggregate';

// Payload types are generated from schemas/orders/ (latest version of each event type): npm run gen:types.
import { LATEST_SCHEMA_VERSIONS } from './generated/events';
import type {
  ItemAddedData, ItemRemovedData, OrderCancelledData, OrderPlacedData, OrderShippedData, PaymentConfirmedData,
} from './generated/events';
export type {
  OrderLine, ItemAddedData, ItemRemovedData, OrderCancelledData, OrderPlacedData, OrderShippedData, PaymentConfirmedData,
} from './generated/events';

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
export const ORDER_SCHEMA_VERSIONS = LATEST_SCHEMA_VERSIONS satisfies Record<OrderEvent['type'], number>;
