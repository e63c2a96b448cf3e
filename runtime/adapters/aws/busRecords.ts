/**
 * Wire format shared by the AWS bus adapters: a BusMessage travels as its JSON (Kinesis record
 * data, SNS message / SQS body), plus two optional fields: `redriveTo` (a dead letter redriven to
 * one group only) and `attempt` (the SQS re-send of a nacked message). Dead letters in SQS carry
 * a DeadLetter JSON body. Also the in-order, per-key delivery used by the Kinesis shard consumer.
 */
import { randomUUID } from 'node:crypto';
import {
  InvalidArgumentError, MessageTooLargeError, isPermanentError, type BusMessage, type DeadLetter, type Delivery,
} from '../../ports';
import { backoffDelay } from '../../core/retry';

export interface WireMessage extends BusMessage {
  /** Set on a redriven dead letter: only this consumer group handles it. */
  readonly redriveTo?: string;
  /** Delivery attempt this copy starts at (SQS re-sends after a nack); default 1. */
  readonly attempt?: number;
}

export function encodeMessage(m: WireMessage, limit: number): string {
  const body = JSON.stringify(m);
  const size = Buffer.byteLength(body, 'utf8');
  if (size > limit) throw new MessageTooLargeError(m.id, size, limit);
  return body;
}

export function decodeMessage(body: string | Uint8Array | undefined, where: string): WireMessage {
  const text = typeof body === 'string' ? body : body ? Buffer.from(body).toString('utf8') : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(where, `not a Nexus bus message (invalid JSON): ${text.slice(0, 120)}`);
  }
  const m = parsed as Partial<WireMessage>;
  if (typeof m?.id !== 'string' || typeof m.partitionKey !== 'string' || typeof m.envelope !== 'object') {
    throw new InvalidArgumentError(where, `not a Nexus bus message (needs id, partitionKey, envelope): ${text.slice(0, 120)}`);
  }
  return m as WireMessage;
}

/** Strips the wire-only fields: handlers and dead letters see the message as published. */
export function toBusMessage(m: WireMessage): BusMessage {
  return { id: m.id, partitionKey: m.partitionKey, path: m.path, envelope: m.envelope };
}

export function newDeadLetter(group: string, message: BusMessage, attempts: number, error: unknown, now: Date): DeadLetter {
  return {
    id: randomUUID(), group, message, attempts,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    deadLetteredAt: now.toISOString(),
  };
}

export interface OrderedDeliveryOptions {
  readonly group: string;
  readonly maxAttempts: number;
  readonly concurrency: number;
  readonly handler: (d: Delivery) => Promise<void>;
  readonly deadLetter: (message: BusMessage, attempts: number, error: unknown) => Promise<void>;
  readonly retryDelay: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly isClosed: () => boolean;
  /** Attempt number of a message's next delivery (default 1): lets a restart continue the count. */
  readonly firstAttempt?: (message: BusMessage) => number;
  /** Called after a failed attempt that will be retried (persist the count before waiting). */
  readonly onRetry?: (message: BusMessage, attempt: number) => Promise<void>;
  /** Called once a message is settled (handled or dead-lettered). */
  readonly onSettled?: (message: BusMessage) => void;
}

/**
 * Delivers a batch holding per-key order: messages of one partition key run one after another
 * (a failing message is retried, holding its key back, until it succeeds or is dead-lettered);
 * different keys run concurrently up to `concurrency`. Resolves when every message is settled,
 * or early (false) if the consumer closed mid-batch — the caller then must not checkpoint.
 */
export async function deliverInOrder(messages: readonly BusMessage[], o: OrderedDeliveryOptions): Promise<boolean> {
  const byKey = new Map<string, BusMessage[]>();
  for (const m of messages) byKey.set(m.partitionKey, [...(byKey.get(m.partitionKey) ?? []), m]);
  const queues = [...byKey.values()];
  let complete = true;
  const worker = async (): Promise<void> => {
    for (let q = queues.shift(); q; q = queues.shift()) {
      for (const message of q) {
        for (let attempt = o.firstAttempt?.(message) ?? 1; ; attempt++) {
          if (o.isClosed()) {
            complete = false;
            return;
          }
          try {
            await o.handler({ message, attempt, group: o.group });
            o.onSettled?.(message);
            break;
          } catch (err) {
            if (isPermanentError(err) || attempt >= o.maxAttempts) {
              await o.deadLetter(message, attempt, err);
              o.onSettled?.(message);
              break;
            }
            await o.onRetry?.(message, attempt);
            await new Promise((r) => setTimeout(r, backoffDelay(attempt, o.retryDelay)));
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, queues.length)) }, worker));
  return complete;
}
