/**
 * Order fulfilment saga: on OrderPlaced reserve stock for every line (Inventory-<sku>) and
 * start the payment timer; on PaymentConfirmed ship the order and commit the reservations; on
 * payment timeout or a refused reservation cancel the order and release what was reserved;
 * an order cancelled by its customer releases its stock. Every phase that waits has a timeout,
 * so no instance can wait forever.
 */
import type { SagaCommand, SagaDefinition, SagaInput, SagaReaction } from '../../../runtime/core/sagas';
import type { OrderLine } from '../events';

/** 'failed': shipping was refused (e.g. the order was cancelled meanwhile); the reason says why. */
export type FulfilmentPhase = 'reserving' | 'awaitingPayment' | 'shipping' | 'cancelling' | 'shipped' | 'cancelled' | 'failed';

export interface FulfilmentState {
  readonly orderId: string;
  readonly phase: FulfilmentPhase;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  /** SKUs reserved so far. */
  readonly reserved: readonly string[];
  readonly refused: readonly string[];
  readonly paid: boolean;
  /** Commands of the current phase still without an outcome. */
  readonly awaiting: number;
  readonly reason: string | null;
}

export interface FulfilmentOptions {
  /** How long an order may stay unpaid; default 15 minutes. */
  readonly paymentTimeoutMs?: number;
  /** Re-check of a phase whose commands have not all answered; default 30 s. */
  readonly stalledAfterMs?: number;
}

const inventory = (sku: string, type: string, payload: Record<string, unknown>): SagaCommand => ({ aggregateType: 'Inventory', aggregateId: sku, type, payload });
const order = (orderId: string, type: string, payload: Record<string, unknown>): SagaCommand => ({ aggregateType: 'Order', aggregateId: orderId, type, payload });

export function fulfilmentSaga(options: FulfilmentOptions = {}): SagaDefinition<FulfilmentState> {
  const paymentTimeoutMs = options.paymentTimeoutMs ?? 15 * 60_000;
  const stalledAfterMs = options.stalledAfterMs ?? 30_000;
  const stalled = { name: 'stalled', afterMs: stalledAfterMs };
  const initialState: FulfilmentState = { orderId: '', phase: 'reserving', lines: [], reserved: [], refused: [], paid: false, awaiting: 0, reason: null };

  const cancel = (s: FulfilmentState, reason: string, cancelOrder: boolean): SagaReaction<FulfilmentState> => {
    const commands = [
      ...s.reserved.map((sku) => inventory(sku, 'ReleaseStock', { orderId: s.orderId })),
      ...(cancelOrder ? [order(s.orderId, 'CancelOrder', { reason })] : []),
    ];
    const next = { ...s, phase: 'cancelling' as const, awaiting: commands.length, reason };
    if (commands.length === 0) return { state: { ...next, phase: 'cancelled' }, status: 'completed', cancel: ['payment', 'stalled'] };
    return { state: next, commands, cancel: ['payment'], schedule: [stalled] };
  };

  const ship = (s: FulfilmentState): SagaReaction<FulfilmentState> => {
    const commands = [
      order(s.orderId, 'ShipOrder', { carrier: 'nexus-post', trackingCode: `NX-${s.orderId}` }),
      ...s.reserved.map((sku) => inventory(sku, 'CommitStock', { orderId: s.orderId })),
    ];
    return { state: { ...s, phase: 'shipping', awaiting: commands.length }, commands, cancel: ['payment'], schedule: [stalled] };
  };

  const onCommandResult = (s: FulfilmentState, input: Extract<SagaInput, { kind: 'commandResult' }>): SagaReaction<FulfilmentState> => {
    const awaiting = Math.max(0, s.awaiting - 1);
    const sku = input.command.aggregateId;
    if (s.phase === 'reserving') {
      const next = input.ok ? { ...s, reserved: [...s.reserved, sku], awaiting } : { ...s, refused: [...s.refused, sku], awaiting };
      if (awaiting > 0) return { state: next };
      if (next.refused.length > 0) return cancel(next, `stock unavailable for ${next.refused.join(', ')}`, true);
      return next.paid ? ship(next) : { state: { ...next, phase: 'awaitingPayment' }, cancel: ['stalled'] };
    }
    if (s.phase === 'shipping') {
      const next = { ...s, awaiting, reason: input.ok ? s.reason : `${input.command.type} refused: ${input.error?.message ?? 'no reason'}` };
      if (awaiting > 0) return { state: next };
      return { state: { ...next, phase: next.reason === null ? 'shipped' : 'failed' }, status: 'completed', cancel: ['stalled'] };
    }
    if (s.phase === 'cancelling') {
      if (awaiting > 0) return { state: { ...s, awaiting } };
      return { state: { ...s, awaiting, phase: 'cancelled' }, status: 'completed', cancel: ['stalled'] };
    }
    return { state: s };
  };

  return {
    name: 'OrderFulfilment',
    handles: ['OrderPlaced', 'PaymentConfirmed', 'OrderCancelled'],
    startsOn: ['OrderPlaced'],
    correlate: (event) => {
      const orderId = (event.data as { orderId?: unknown }).orderId;
      return event.streamId.includes(':Order-') && typeof orderId === 'string' && orderId.length > 0 ? orderId : undefined;
    },
    initialState,
    react(s, input) {
      if (input.kind === 'commandResult') return onCommandResult(s, input);
      if (input.kind === 'timeout') {
        if (input.name === 'payment' && (s.phase === 'awaitingPayment' || s.phase === 'reserving')) return cancel(s, 'payment timeout', true);
        // 'stalled': nothing changes; the coordinator re-issues pending commands after any input. Re-arm while waiting.
        return { state: s, schedule: s.phase === 'shipping' || s.phase === 'cancelling' ? [stalled] : [] };
      }
      switch (input.type) {
        case 'OrderPlaced': {
          const items = (input.data.items as OrderLine[] | undefined) ?? [];
          const lines = items.map((l) => ({ sku: l.sku, quantity: l.quantity }));
          const state: FulfilmentState = { ...initialState, orderId: String(input.data.orderId), lines, awaiting: lines.length };
          if (lines.length === 0) return { state: { ...state, phase: 'awaitingPayment' }, schedule: [{ name: 'payment', afterMs: paymentTimeoutMs }] };
          return {
            state,
            commands: lines.map((l) => inventory(l.sku, 'ReserveStock', { orderId: state.orderId, quantity: l.quantity })),
            schedule: [{ name: 'payment', afterMs: paymentTimeoutMs }],
          };
        }
        case 'PaymentConfirmed':
          if (s.phase === 'awaitingPayment') return ship({ ...s, paid: true });
          return { state: { ...s, paid: true } };
        case 'OrderCancelled':
          if (s.phase === 'reserving' || s.phase === 'awaitingPayment') return cancel(s, typeof input.data.reason === 'string' ? input.data.reason : 'cancelled by customer', false);
          return { state: s };
        default:
          return { state: s };
      }
    },
  };
}
