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

/** Which dead letters an operation covers; an empty filter covers all (ADR 0134). */
export interface DeadLetterFilter {
  /** Only this consumer group's. */
  readonly group?: string;
  /** Only this tenant's: the envelope's `tenant` extension. A dead letter without one never matches. */
  readonly tenant?: string;
}

/** A place in the queue's order (deadLetteredAt, then id). Any DeadLetter is one. */
export interface DeadLetterPosition {
  readonly id: string;
  readonly deadLetteredAt: string;
}

export interface DeadLetterListOptions extends DeadLetterFilter {
  /** Page size; default 100. */
  readonly limit?: number;
  /**
   * Keyset paging: only dead letters after this position. Pass the last dead letter of the
   * previous page; it need not still be in the queue (redriven or purged in between is fine).
   */
  readonly after?: DeadLetterPosition;
}

/**
 * Inspect, redrive and purge dead letters, optionally by group and tenant (ADR 0134). Every
 * adapter orders them the same way, oldest first: deadLetteredAt, then id. Bad options (empty
 * group or tenant, limit < 1, a malformed position) are an InvalidArgumentError naming the field.
 */
export interface DeadLetterQueue {
  /** One page in the queue's order; page on with `after` = the last item (an empty page: done). */
  list(options?: DeadLetterListOptions): Promise<DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Re-delivers to the original group and removes from the DLQ; idempotent (a missing id is a no-op). */
  redrive(ids: readonly string[]): Promise<number>;
  /** Deletes the given ids (missing ones skipped), or every dead letter matching a filter, or all; returns how many. */
  purge(target?: readonly string[] | DeadLetterFilter): Promise<number>;
  /** How many match; a bare string is a group (the signature before ADR 0134). */
  count(filter?: DeadLetterFilter | string): Promise<number>;
  /** Dead letters per group (groups with none are absent), optionally of one tenant: the depth gauge. */
  countByGroup(filter?: Pick<DeadLetterFilter, 'tenant'>): Promise<Map<string, number>>;
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
