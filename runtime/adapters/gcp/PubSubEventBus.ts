/**
 * EventBus on Google Cloud Pub/Sub (ADR 0062). Core path: one topic published with ordering
 * key = partition key (the stream id), subscriptions with message ordering enabled. Non-critical
 * path: a second topic without ordering. One subscription per consumer group and path (names
 * from the manifest, else `<topic>-<group>`), each with a dead-letter policy to the dead-letter
 * topic; the DLQ is that topic's pull subscription (PubSubDeadLetterQueue.ts).
 * In a deployed stack providers/gcp creates the topics and the dead-letter subscription, and the
 * runtime creates its groups' subscriptions on first subscribe; tests also create the topics.
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import {
  MessageTooLargeError, type BusMessage, type BusPath, type DeadLetter, type EventBus, type SubscribeOptions, type Subscription,
} from '../../ports/EventBus';
import { InvalidArgumentError } from '../../ports/errors';
import { GrpcCode, guarded, isGrpc } from './googleErrors';
import { PubSubConsumer } from './PubSubConsumer';
import { PubSubDeadLetterQueue } from './PubSubDeadLetterQueue';
import { handlePush, type PushBody, type PushOutcome } from './PubSubPushHandler';
import { MAX_PUBSUB_MESSAGE_BYTES, encodeBusMessage, encodeDeadLetter, type OutgoingMessage } from './pubsubMessages';

export interface PubSubEventBusOptions {
  readonly pubsub: PubSub;
  readonly coreTopic: string;
  readonly noncriticalTopic: string;
  readonly deadLetterTopic: string;
  /** The dead-letter topic's pull subscription; default `<deadLetterTopic>-inspect`. */
  readonly deadLetterSubscription?: string;
  readonly subscriptions?: Readonly<Record<string, { readonly core?: string; readonly noncritical?: string }>>;
  /** Create missing topics and the dead-letter subscription (tests, emulator); default false. */
  readonly createTopics?: boolean;
  /**
   * Create a group's subscription when it subscribes and the subscription is missing (default
   * true: providers/gcp provisions topics, the runtime its groups' subscriptions).
   */
  readonly createSubscriptions?: boolean;
  /** First in-place retry delay on the core path, doubled per attempt up to 2 s; default 100 ms. */
  readonly retryBackoffMs?: number;
}

const SERVICE = 'Pub/Sub';

export class PubSubEventBus implements EventBus {
  readonly deadLetters: PubSubDeadLetterQueue;
  private readonly topics: Record<BusPath, Topic>;
  private readonly deadLetterTopic: Topic;
  private readonly consumers = new Set<PubSubConsumer>();
  private provisioned: Promise<void> | undefined;

  constructor(private readonly options: PubSubEventBusOptions) {
    const { pubsub } = options;
    this.topics = {
      core: pubsub.topic(options.coreTopic, { messageOrdering: true }),
      noncritical: pubsub.topic(options.noncriticalTopic),
    };
    this.deadLetterTopic = pubsub.topic(options.deadLetterTopic);
    this.deadLetters = new PubSubDeadLetterQueue({
      pubsub,
      subscription: this.deadLetterSubscriptionName(),
      groupOfSubscription: (s) => this.groupOfSubscription(s),
      redrive: (d) => this.redrive(d),
    });
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    const outgoing = messages.map((m) => {
      const out = encodeBusMessage(m);
      const size = out.data.length + Object.entries(out.attributes).reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (size > MAX_PUBSUB_MESSAGE_BYTES) throw new MessageTooLargeError(m.id, size, MAX_PUBSUB_MESSAGE_BYTES);
      return { path: m.path, out };
    });
    await this.ensureTopics();
    // Publish calls are batched by the client; per ordering key they keep call order.
    await Promise.all(outgoing.map(({ path, out }) => this.send(this.topics[path], out)));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (!/^[A-Za-z][A-Za-z0-9._~+%-]{0,200}$/.test(options.group)) {
      throw new InvalidArgumentError('group', `"${options.group}" must start with a letter and use only letters, digits and . _ ~ + % -`);
    }
    await this.ensureTopics();
    const name = this.subscriptionName(options.group, options.path);
    if (this.options.createSubscriptions ?? true) await this.ensureSubscription(name, options.path, options.maxAttempts ?? 5);
    const sdk = this.options.pubsub.subscription(name, { flowControl: { maxMessages: 1000 } });
    const consumer = new PubSubConsumer(sdk, options, (entry) => this.send(this.deadLetterTopic, encodeDeadLetter(entry)), this.options.retryBackoffMs ?? 100);
    consumer.start();
    this.consumers.add(consumer);
    return { close: async () => { this.consumers.delete(consumer); await consumer.close(); } };
  }

  /**
   * One push request of a consumer-group subscription (Cloud Run workers, ADR 0124): runs the
   * handler with the pull consumer's rules; answer 204 when `ack`, else 500 (Pub/Sub redelivers).
   */
  push(body: PushBody, options: { readonly maxAttempts?: number; readonly handler: SubscribeOptions['handler'] }): Promise<{ ack: boolean; outcome: PushOutcome; group: string }> {
    return handlePush(body, options, {
      groupOfSubscription: (s) => this.groupOfSubscription(s),
      deadLetter: (entry) => this.send(this.deadLetterTopic, encodeDeadLetter(entry)),
    });
  }

  async close(): Promise<void> {
    for (const c of [...this.consumers]) await c.close().catch(() => undefined);
    this.consumers.clear();
    await this.deadLetters.close();
    await this.options.pubsub.close();
  }

  subscriptionName(group: string, path: BusPath): string {
    return this.options.subscriptions?.[group]?.[path] ?? `${path === 'core' ? this.options.coreTopic : this.options.noncriticalTopic}-${group}`;
  }

  private deadLetterSubscriptionName(): string {
    return this.options.deadLetterSubscription ?? `${this.options.deadLetterTopic}-inspect`;
  }

  private groupOfSubscription(subscription: string): { group: string; path: BusPath } | undefined {
    const short = subscription.split('/').pop()!;
    for (const [group, subs] of Object.entries(this.options.subscriptions ?? {})) {
      if (subs.core === short) return { group, path: 'core' };
      if (subs.noncritical === short) return { group, path: 'noncritical' };
    }
    for (const path of ['core', 'noncritical'] as const) {
      const prefix = `${path === 'core' ? this.options.coreTopic : this.options.noncriticalTopic}-`;
      if (short.startsWith(prefix)) return { group: short.slice(prefix.length), path };
    }
    return undefined;
  }

  /** Back to the original path, marked so that only the original group handles it. */
  private redrive(d: DeadLetter): Promise<void> {
    return this.send(this.topics[d.message.path], encodeBusMessage(d.message, d.group));
  }

  private async send(topic: Topic, out: OutgoingMessage): Promise<void> {
    try {
      await guarded(SERVICE, () => topic.publishMessage(out));
    } catch (err) {
      // A failed ordered publish pauses its key until resumed; the caller's retry resumes order.
      if (out.orderingKey !== undefined) topic.resumePublishing(out.orderingKey);
      throw err;
    }
  }

  private ensureTopics(): Promise<void> {
    if (!this.options.createTopics) return Promise.resolve();
    this.provisioned ??= (async () => {
      for (const topic of [this.topics.core, this.topics.noncritical, this.deadLetterTopic]) {
        await guarded(SERVICE, () => topic.create()).catch((err: unknown) => {
          if (!isGrpc(err, GrpcCode.ALREADY_EXISTS)) throw err;
        });
      }
      await guarded(SERVICE, () => this.deadLetterTopic.createSubscription(this.deadLetterSubscriptionName(), { ackDeadlineSeconds: 60 }))
        .catch((err: unknown) => {
          if (!isGrpc(err, GrpcCode.ALREADY_EXISTS)) throw err;
        });
    })();
    return this.provisioned;
  }

  private async ensureSubscription(name: string, path: BusPath, maxAttempts: number): Promise<void> {
    await guarded(SERVICE, () => this.topics[path].createSubscription(name, {
      enableMessageOrdering: path === 'core',
      ackDeadlineSeconds: 60,
      // Pub/Sub accepts 5..100; the consumer dead-letters at maxAttempts itself, this is the crash backstop.
      deadLetterPolicy: { deadLetterTopic: this.deadLetterTopic.name, maxDeliveryAttempts: Math.min(100, Math.max(5, maxAttempts + 1)) },
    })).catch((err: unknown) => {
      if (!isGrpc(err, GrpcCode.ALREADY_EXISTS)) throw err;
    });
  }
}
