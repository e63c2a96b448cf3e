/**
 * The storage seam shared by the local buses: InMemoryEventBus and SqliteEventBus differ only
 * in where deliveries live; claiming, ordering, redelivery and dead-lettering follow the same
 * rules (SubscriptionDispatcher). Every method is synchronous, so a claim is atomic in-process
 * (and, for SQLite, a transaction across processes).
 */
import type { BusMessage, BusPath, DeadLetter, DeadLetterFilter } from '../../../ports/EventBus';
import { MessageTooLargeError } from '../../../ports/EventBus';
import type { NormalizedDeadLetterQuery, PurgeTarget } from '../../../ports/deadLetters';

export interface ClaimedDelivery {
  /** Storage sequence of the delivery (publish order). */
  readonly seq: number;
  readonly message: BusMessage;
  /** 1 on first delivery (attempts started so far, this one included). */
  readonly attempt: number;
}

export interface ClaimRequest {
  readonly group: string;
  /**
   * Core path: a delivery is claimable only when every older unsettled delivery with its
   * partition key is claimable too (and so claimed before it, in order): a key's claimed
   * deliveries are always a contiguous oldest-first run.
   */
  readonly ordered: boolean;
  readonly limit: number;
  readonly nowMs: number;
  /** A claimed delivery not settled by then is claimable again (a crashed consumer). */
  readonly leaseUntilMs: number;
}

export interface BusStorage {
  /** A group receives every message published on its path after it was first registered. */
  registerGroup(group: string, path: BusPath): void;
  /** Stores messages and fans them out to every registered group of their path. */
  append(messages: readonly BusMessage[], nowMs: number): void;
  claim(request: ClaimRequest): ClaimedDelivery[];
  ack(group: string, seq: number): void;
  /** Gives a claimed delivery back untouched (not attempted): claimable at once, attempt count restored. */
  release(group: string, seq: number): void;
  /** Nack: the delivery becomes claimable again at `availableAtMs`. */
  retryLater(group: string, seq: number, availableAtMs: number): void;
  deadLetter(group: string, seq: number, attempts: number, error: string, atIso: string): void;
  /** Earliest time a pending delivery of the group becomes claimable (undefined: none pending). */
  nextAvailableAt(group: string): number | undefined;
  /** One page in the queue's order (deadLetteredAt, id), filtered by group and tenant. */
  listDeadLetters(query: NormalizedDeadLetterQuery): DeadLetter[];
  getDeadLetter(id: string): DeadLetter | undefined;
  /** Moves dead letters back to their group as new deliveries; returns how many were found. */
  redrive(ids: readonly string[], nowMs: number): number;
  /** Deletes the given ids, or every dead letter matching the filter ({}: all). */
  purge(target: PurgeTarget): number;
  countDeadLetters(filter: DeadLetterFilter): number;
  countDeadLettersByGroup(filter: DeadLetterFilter): Map<string, number>;
  close(): void;
}

/** SNS/SQS's 256 KiB: the strictest cloud bus, so local development catches oversize messages. */
export const LOCAL_MAX_MESSAGE_BYTES = 256 * 1024;

export function checkMessageSizes(messages: readonly BusMessage[], limit = LOCAL_MAX_MESSAGE_BYTES): string[] {
  return messages.map((m) => {
    const body = JSON.stringify(m);
    const size = Buffer.byteLength(body, 'utf8');
    if (size > limit) throw new MessageTooLargeError(m.id, size, limit);
    return body;
  });
}

/** A dead letter's id: one per (group, message), so dead-lettering the same message again replaces it. */
export const deadLetterId = (group: string, messageId: string): string => `${group}:${messageId}`;

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
}
