/**
 * Inventory aggregate (one per SKU, stream `Inventory-<sku>`): the other side of the
 * fulfilment saga. Stock on hand, reservations per order; reserving more than is available is
 * refused (rule insufficient-stock), which the saga answers by cancelling the order.
 * Reserve and release are idempotent per order so a saga's retried command never double-books.
 */
import { InvariantViolationError, type Decider, type DomainCommand, type DomainEvent, type PayloadSchema } from '../../../runtime/core/aggregate';

export interface InventoryState {
  readonly sku: string | null;
  readonly onHand: number;
  /** orderId → quantity reserved. */
  readonly reserved: Readonly<Record<string, number>>;
}

export type StockRestocked = DomainEvent<'StockRestocked', { sku: string; quantity: number }>;
export type StockReserved = DomainEvent<'StockReserved', { sku: string; orderId: string; quantity: number }>;
export type StockReleased = DomainEvent<'StockReleased', { sku: string; orderId: string; quantity: number }>;
export type StockCommitted = DomainEvent<'StockCommitted', { sku: string; orderId: string; quantity: number }>;
export type InventoryEvent = StockRestocked | StockReserved | StockReleased | StockCommitted;

export type Restock = DomainCommand<'Restock', { quantity: number }>;
export type ReserveStock = DomainCommand<'ReserveStock', { orderId: string; quantity: number }>;
export type ReleaseStock = DomainCommand<'ReleaseStock', { orderId: string }>;
export type CommitStock = DomainCommand<'CommitStock', { orderId: string }>;
export type InventoryCommand = Restock | ReserveStock | ReleaseStock | CommitStock;

const str = { type: 'string', minLength: 1, maxLength: 200 } as const;
const qty = { type: 'integer', minimum: 1, maximum: 1_000_000 } as const;
const object = (properties: Record<string, unknown>, required: string[]): PayloadSchema => ({ type: 'object', additionalProperties: false, required, properties });

export const available = (s: InventoryState): number => s.onHand - Object.values(s.reserved).reduce((a, b) => a + b, 0);

function fail(rule: string, detail: string): never {
  throw new InvariantViolationError(rule, detail);
}

export function decideInventory(command: InventoryCommand, state: InventoryState): InventoryEvent[] {
  const sku = command.aggregateId;
  switch (command.type) {
    case 'Restock':
      return [{ type: 'StockRestocked', data: { sku, quantity: command.payload.quantity } }];
    case 'ReserveStock': {
      const { orderId, quantity } = command.payload;
      if (state.reserved[orderId] !== undefined) return [];
      if (available(state) < quantity) fail('insufficient-stock', `sku ${sku}: ${available(state)} available, order ${orderId} needs ${quantity}`);
      return [{ type: 'StockReserved', data: { sku, orderId, quantity } }];
    }
    case 'ReleaseStock': {
      const q = state.reserved[command.payload.orderId];
      return q === undefined ? [] : [{ type: 'StockReleased', data: { sku, orderId: command.payload.orderId, quantity: q } }];
    }
    case 'CommitStock': {
      const q = state.reserved[command.payload.orderId];
      if (q === undefined) fail('reservation-must-exist', `sku ${sku}: no reservation for order ${command.payload.orderId}`);
      return [{ type: 'StockCommitted', data: { sku, orderId: command.payload.orderId, quantity: q } }];
    }
  }
}

export function evolveInventory(state: InventoryState, event: InventoryEvent): InventoryState {
  const without = (orderId: string): Record<string, number> => Object.fromEntries(Object.entries(state.reserved).filter(([k]) => k !== orderId));
  switch (event.type) {
    case 'StockRestocked':
      return { ...state, sku: event.data.sku, onHand: state.onHand + event.data.quantity };
    case 'StockReserved':
      return { ...state, sku: event.data.sku, reserved: { ...state.reserved, [event.data.orderId]: event.data.quantity } };
    case 'StockReleased':
      return { ...state, reserved: without(event.data.orderId) };
    case 'StockCommitted':
      return { ...state, onHand: state.onHand - event.data.quantity, reserved: without(event.data.orderId) };
  }
}

export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, InventoryState> = {
  aggregateType: 'Inventory',
  initialState: { sku: null, onHand: 0, reserved: {} },
  decide: decideInventory,
  evolve: evolveInventory,
  stateVersion: 1,
  eventTypes: ['StockRestocked', 'StockReserved', 'StockReleased', 'StockCommitted'],
  commands: {
    Restock: object({ quantity: qty }, ['quantity']),
    ReserveStock: object({ orderId: str, quantity: qty }, ['orderId', 'quantity']),
    ReleaseStock: object({ orderId: str }, ['orderId']),
    CommitStock: object({ orderId: str }, ['orderId']),
  },
};
