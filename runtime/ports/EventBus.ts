/**
 * EventBus port: dual-path publish (core: ordered per partition key; noncritical: best effort
 * order), consumer groups, at-least-once delivery, ack by returning / nack by throwing,
 * dead-letter after maxAttempts (or at once for a permanent error), inspect/redrive/purge.
 */
import { NexusError, hasCode } from './errors';

export type BusPath = 'core' | 'noncritical';

/** A CloudEvents 1.0 structured-mode event (see runtime/core CloudEvents envelope). */
export interface CloudEventEnvelope {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly data?: unknown;
  /** Extensions (lower-case alphanumeric names): streamversion, schemaversion, correlationid, ... */
  readonly [extension: string]: unknown;
}

export interface BusMessage {
  /** Unique message id (the event id); consumers deduplicate on it. */
  readonly id: string;
  /** Ordering key: the stream id. */
  readonly partitionKey: string;
  readonly path: BusPath;
  readonly envelope: CloudEventEnvelope;
}

export interface Delivery {
  readonly message: BusMessage;
  /** 1 on first delivery. */
  readonly attempt: number;
  readonly group: string;
}

export interface SubscribeOptions {
  /** Consumer group: each group receives every message once (at least once). */
  readonly group: string;
  readonly path: BusPath;
  /** Deliveries before a message is dead-lettered; default 5. */
  readonly maxAttempts?: number;
  /**
   * Max handlers running at once for this subscription (optional hint, default 1). On the core
   * path two messages with the same partition key never run at once, whatever this says.
   */
  readonly concurrency?: number;
  /** Resolve = ack; throw = nack (redelivered later, then dead-lettered). PermanentError dead-letters at once. */
  readonly handler: (delivery: Delivery) => Promise<void>;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface DeadLetter {
  readonly id: string;
  readonly group: string;
  readonly message: BusMessage;
  readonly attempts: number;
  readonly error: string;
  readonly deadLetteredAt: string;
}

export interface EventBus {
  /** Publishes messages; resolves once the bus has durably accepted all of them. */
  publish(messages: readonly BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  deadLetters: DeadLetterQueue;
  close(): Promise<void>;
}

export interface DeadLetterQueue {
  list(options?: { group?: string; limit?: number }): Promise<DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Re-delivers to the original group and removes from the DLQ; idempotent (a missing id is a no-op). */
  redrive(ids: readonly string[]): Promise<number>;
  purge(ids?: readonly string[]): Promise<number>;
  count(group?: string): Promise<number>;
}

/** A handler throws this to dead-letter a message at once (it can never succeed). */
export class PermanentError extends NexusError {
  readonly code = 'PERMANENT' as const;
}
export const isPermanentError = (e: unknown): e is PermanentError => hasCode(e, 'PERMANENT');

export class MessageTooLargeError extends NexusError {
  readonly code = 'MESSAGE_TOO_LARGE' as const;
  constructor(readonly messageId: string, readonly size: number, readonly limit: number) {
    super(`message ${messageId} is ${size} bytes, over the bus limit of ${limit} bytes`);
  }
}
export const isMessageTooLargeError = (e: unknown): e is MessageTooLargeError => hasCode(e, 'MESSAGE_TOO_LARGE');
