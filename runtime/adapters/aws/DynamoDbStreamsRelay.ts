/**
 * DynamoDB Streams → bus relay (the AWS CDC trigger, ADR 0050): a Lambda-shaped handler that turns
 * the INSERTs of event items in a DynamoDB Streams batch into StoredEvents and hands them to the
 * shared relay core (`relayBatch`), which wraps, routes and publishes them. Stream heads and log
 * counters are skipped. A batch is published in (stream, version) order; if publishing fails the
 * handler throws, Lambda retries the whole batch (at-least-once; consumers deduplicate by event
 * id). DynamoDB Streams orders records per item, and one stream's items share a partition and
 * hence a Streams shard, so per-stream order survives across batches.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from '../../ports';
import { relayBatch, type RelayCoreDeps } from '../../core/relay';
import { isEventItem, toStoredEvent, type Item } from './dynamoDbEventItems';

/** The part of a Lambda DynamoDB Streams event the relay reads (aws-lambda's DynamoDBStreamEvent). */
export interface DynamoDbStreamsEvent {
  readonly Records: ReadonlyArray<{
    readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
    readonly dynamodb?: { readonly NewImage?: Record<string, AttributeValue | Record<string, unknown>>; readonly SequenceNumber?: string };
  }>;
}

export interface DynamoDbStreamsRelayOptions extends RelayCoreDeps {
  /** logShards of the DynamoDbEventStore writing the table (positions are formatted alike); default 1. */
  readonly logShards?: number;
}

/** StoredEvents of a Streams batch: event-item INSERTs only, in (stream, version) order. */
export function storedEventsOf(event: DynamoDbStreamsEvent, logShards = 1): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const r of event.Records) {
    const image = r.dynamodb?.NewImage as Item | undefined;
    if (r.eventName !== 'INSERT' || !isEventItem(image)) continue;
    out.push(toStoredEvent(image, logShards));
  }
  return out.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : a.version - b.version));
}

/** The Lambda handler: `export const handler = dynamoDbStreamsRelay({ bus, routing })`. */
export function dynamoDbStreamsRelay(options: DynamoDbStreamsRelayOptions): (event: DynamoDbStreamsEvent) => Promise<{ relayed: number }> {
  return async (event) => ({ relayed: await relayBatch(storedEventsOf(event, options.logShards ?? 1), options) });
}
