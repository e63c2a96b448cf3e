/**
 * Orders commands and the JSON Schemas of their payloads (the HTTP API rejects payloads that
 * do not match with 400 naming the field). Business rules (quantities > 0, ...) are not here:
 * they are invariants of the decider and answer 422.
 */
import type { DomainCommand, PayloadSchema } from '../../runtime/core/aggregate';
import type { OrderLine } from './events';

export type PlaceOrder = DomainCommand<'PlaceOrder', { customerId: string; currency: string; items?: OrderLine[]; channel?: string }>;
export type AddItem = DomainCommand<'AddItem', OrderLine>;
export type RemoveItem = DomainCommand<'RemoveItem', { sku: string }>;
export type ConfirmPayment = DomainCommand<'ConfirmPayment', { paymentId: string; amountCents: number }>;
export type ShipOrder = DomainCommand<'ShipOrder', { carrier: string; trackingCode: string }>;
export type CancelOrder = DomainCommand<'CancelOrder', { reason: string }>;

export type OrderCommand = PlaceOrder | AddItem | RemoveItem | ConfirmPayment | ShipOrder | CancelOrder;

const str = { type: 'string', minLength: 1, maxLength: 200 } as const;
const int = { type: 'integer' } as const;
const line = {
  type: 'object',
  additionalProperties: false,
  required: ['sku', 'name', 'quantity', 'unitPriceCents'],
  properties: { sku: str, name: str, quantity: int, unitPriceCents: int },
} as const;

const object = (properties: Record<string, unknown>, required: string[]): PayloadSchema => ({
  type: 'object', additionalProperties: false, required, properties,
});

export const ORDER_COMMANDS: Record<OrderCommand['type'], PayloadSchema> = {
  PlaceOrder: object(
    { customerId: str, currency: { type: 'string', pattern: '^[A-Z]{3}$' }, items: { type: 'array', maxItems: 100, items: line }, channel: { type: 'string', minLength: 1, maxLength: 50 } },
    ['customerId', 'currency'],
  ),
  AddItem: line,
  RemoveItem: object({ sku: str }, ['sku']),
  ConfirmPayment: object({ paymentId: str, amountCents: int }, ['paymentId', 'amountCents']),
  ShipOrder: object({ carrier: str, trackingCode: str }, ['carrier', 'trackingCode']),
  CancelOrder: object({ reason: str }, ['reason']),
};
