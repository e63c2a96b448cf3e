/**
 * EventBus non-critical path on SNS → SQS (ADR 0052): publish = SNS PublishBatch to the topic,
 * which fans out to one SQS queue per consumer group (raw delivery); each queue has a DLQ.
 * Ordering is best effort (standard topic and queues), delivery at least once. Only the
 * 'noncritical' path is served here; KinesisSnsEventBus routes by path.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  InvalidArgumentError, systemClock,
  type BusMessage, type Clock, type DeadLetter, type DeadLetterQueue, type EventBus, type SubscribeOptions, type Subscription,
} from '../../ports';
import { encodeMessage } from './busRecords';
import type { FanOutPublisher } from './snsPublisher';
import { SQS_MAX_MESSAGE_BYTES, SqsGroupConsumer, type GroupQueues } from './sqsGroupConsumer';
import { SqsDeadLetterQueue } from './SqsDeadLetterQueue';
import { SendMessageCommand } from '@aws-sdk/client-sqs';

export interface SnsSqsEventBusOptions {
  readonly sqs: SQSClient;
  readonly publisher: FanOutPublisher;
  /** Consumer group → its queue and DLQ (from the manifest; tests may create queues on demand). */
  readonly queues: (group: string) => Promise<GroupQueues | undefined>;
  /** Every DLQ URL known now (for browsing dead letters). */
  readonly knownDlqs: () => readonly string[];
  readonly clock?: Clock;
  readonly waitSeconds?: number;
  readonly visibilitySeconds?: number;
  readonly retryDelay?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly onError?: (err: unknown) => void;
}

export class SnsSqsEventBus implements EventBus {
  readonly deadLetters: DeadLetterQueue;
  private readonly clock: Clock;
  private readonly consumers = new Set<SqsGroupConsumer>();

  constructor(private readonly o: SnsSqsEventBusOptions) {
    this.clock = o.clock ?? systemClock;
    this.deadLetters = new SqsDeadLetterQueue({ client: o.sqs, queues: o.knownDlqs, redrive: (dl) => this.redriveOne(dl) });
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    const bodies = messages.map((m) => {
      if (m.path !== 'noncritical') throw new InvalidArgumentError('path', `message ${m.id}: SnsSqsEventBus carries the noncritical path only, got ${m.path}`);
      return { id: m.id, body: encodeMessage(m, SQS_MAX_MESSAGE_BYTES) };
    });
    if (bodies.length > 0) await this.o.publisher.publish(bodies);
  }

  /** A redriven dead letter goes straight to its group's queue (not the topic: other groups already had it). */
  async redriveOne(dl: DeadLetter): Promise<void> {
    const q = await this.queuesOf(dl.group);
    await this.o.sqs.send(new SendMessageCommand({ QueueUrl: q.queueUrl, MessageBody: encodeMessage(dl.message, SQS_MAX_MESSAGE_BYTES) }));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (options.path !== 'noncritical') throw new InvalidArgumentError('path', `SnsSqsEventBus serves the noncritical path only, got ${options.path}`);
    const consumer = new SqsGroupConsumer({
      client: this.o.sqs, queues: await this.queuesOf(options.group), subscribe: options, clock: this.clock,
      waitSeconds: this.o.waitSeconds ?? 1, visibilitySeconds: this.o.visibilitySeconds ?? 30,
      retryDelay: this.o.retryDelay ?? { baseDelayMs: 1000, maxDelayMs: 60_000 },
      onError: this.o.onError ?? (() => undefined),
    });
    this.consumers.add(consumer);
    return { close: async () => { this.consumers.delete(consumer); await consumer.close(); } };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
    this.consumers.clear();
  }

  private async queuesOf(group: string): Promise<GroupQueues> {
    const q = await this.o.queues(group);
    if (!q) throw new InvalidArgumentError('group', `consumer group ${group} has no SQS queue in the manifest (bus.queues); provision it first`);
    return q;
  }
}
