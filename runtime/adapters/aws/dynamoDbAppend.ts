/**
 * The append transaction of DynamoDbEventStore (ADR 0050): ONE TransactWriteItems holding the
 * stream-head update (condition: head version = expected), one Put per event (condition: event id
 * not yet in the stream, so duplicates and replays are detected by the write itself), and the
 * log-shard counter update (condition: counter = the value this writer last saw). Every
 * condition returns the stored item on failure (ReturnValuesOnConditionCheckFailure=ALL_OLD), so
 * a failed attempt tells us the actual version, the stored ids and the current counter without
 * any extra read.
 */
import { TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { NewEvent } from '../../ports';
import { ATTR, HEAD_SK } from './dynamoDbSchema';
import { COUNTER_SEQ, HEAD, N, S, eventItem, logCounterKey, num, str, type Item } from './dynamoDbEventItems';

export interface AppendAttempt {
  readonly table: string;
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  /** Version the stream must be at (0 = must not exist). */
  readonly base: number;
  readonly recordedAt: string;
  readonly shard: number;
  /** Counter value this writer believes current; undefined = never seen (counter must be absent). */
  readonly counter: number | undefined;
}

export function appendTransaction(a: AppendAttempt): TransactWriteItem[] {
  const next = a.base + a.events.length;
  const seq0 = a.counter ?? 0;
  const head: TransactWriteItem = {
    Update: {
      TableName: a.table,
      Key: { [ATTR.pk]: S(a.streamId), [ATTR.sk]: S(HEAD_SK) },
      UpdateExpression: 'SET #hv = :next, #ua = :now, #ca = if_not_exists(#ca, :now)',
      // The ua check keeps recordedAt monotonic per stream even if this writer's clock is behind.
      ConditionExpression: a.base === 0 ? 'attribute_not_exists(#hv)' : '#hv = :base AND #ua <= :now',
      ExpressionAttributeNames: { '#hv': HEAD.version, '#ua': HEAD.updatedAt, '#ca': HEAD.createdAt },
      ExpressionAttributeValues: { ':next': N(next), ':now': S(a.recordedAt), ...(a.base === 0 ? {} : { ':base': N(a.base) }) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
  const puts = a.events.map((e, i): TransactWriteItem => ({
    Put: {
      TableName: a.table,
      Item: eventItem(a.streamId, e, a.base + i + 1, a.shard, seq0 + i + 1, a.recordedAt),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': ATTR.pk },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }));
  const counter: TransactWriteItem = {
    Update: {
      TableName: a.table,
      Key: logCounterKey(a.shard),
      UpdateExpression: 'SET #seq = :new',
      ConditionExpression: a.counter === undefined ? 'attribute_not_exists(#seq)' : '#seq = :old',
      ExpressionAttributeNames: { '#seq': COUNTER_SEQ },
      ExpressionAttributeValues: { ':new': N(seq0 + a.events.length), ...(a.counter === undefined ? {} : { ':old': N(a.counter) }) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
  return [head, ...puts, counter];
}

/** What a cancelled append transaction tells us, item by item. */
export interface CancelledAppend {
  /** The head condition failed: the stored head (undefined item = stream absent). */
  readonly head?: { readonly version: number; readonly updatedAt: string | undefined };
  /** Per proposed event: the version it is already stored at, or undefined. */
  readonly storedVersions: ReadonlyArray<number | undefined>;
  readonly anyStored: boolean;
  /** The counter condition failed: its current value (0 when absent). */
  readonly counter?: number;
  /** Another transaction touched the same items concurrently (retry). */
  readonly conflict: boolean;
  /** Reason codes, for error messages. */
  readonly codes: readonly string[];
}

export function readCancellation(err: TransactionCanceledException, eventCount: number): CancelledAppend {
  const reasons = err.CancellationReasons ?? [];
  const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
  const item = (i: number): Item | undefined => reasons[i]?.Item;
  const storedVersions = Array.from({ length: eventCount }, (_, i) => (failed(i + 1) ? num(item(i + 1), ATTR.version) ?? 0 : undefined));
  return {
    head: failed(0) ? { version: num(item(0), HEAD.version) ?? 0, updatedAt: str(item(0), HEAD.updatedAt) } : undefined,
    storedVersions,
    anyStored: storedVersions.some((v) => v !== undefined),
    counter: failed(eventCount + 1) ? num(item(eventCount + 1), COUNTER_SEQ) ?? 0 : undefined,
    conflict: reasons.some((r) => r.Code === 'TransactionConflict'),
    codes: reasons.map((r) => r.Code ?? 'None'),
  };
}
