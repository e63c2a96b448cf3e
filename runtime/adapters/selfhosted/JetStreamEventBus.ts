/**
 * EventBus on NATS JetStream (ADR 0081): a stream per path (<P>_core, <P>_noncritical) with a
 * subject per partition key, publishes deduplicated by message id (Nats-Msg-Id), a durable pull
 * consumer per (group, path) created on first subscribe (it receives what is published after),
 * in-process retries with per-key order, dead letters in a DLQ stream, redrive through a
 * per-group redrive subject. Streams use file storage, so messages, consumer positions and dead
 * letters survive restarts of the bus and of the server.
 */
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { MessageTooLargeError, type BusMessage, type EventBus, type SubscribeOptions, type Subscription } from '../../ports/EventBus';
import { UnavailableError } from '../../ports/errors';
import { JetStreamDeadLetterQueue } from './JetStreamDeadLetterQueue';
import { JetStreamNames } from './jetstream/names';
import { JetStreamSubscription } from './jetstream/JetStreamSubscription';

export interface JetStreamEventBusOptions {
  readonly servers: readonly string[];
  readonly streamPrefix: string;
  /** Largest message accepted (default 1 MiB minus envelope room, NATS' default max_payload). */
  readonly maxMessageBytes?: number;
  /** Ack wait of the durable consumers (default 30 s): unacked messages are redelivered after it. */
  readonly ackWaitMs?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 - 4096;

export class JetStreamEventBus implements EventBus {
  readonly deadLetters: JetStreamDeadLetterQueue;
  private readonly names: JetStreamNames;
  private readonly subscriptions = new Set<JetStreamSubscription>();
  private closed = false;

  private constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, private readonly options: JetStreamEventBusOptions) {
    this.names = new JetStreamNames(options.streamPrefix);
    this.deadLetters = new JetStreamDeadLetterQueue(js, jsm, this.names);
  }

  /** Connects and makes sure the streams exist (idempotent). */
  static async open(options: JetStreamEventBusOptions): Promise<JetStreamEventBus> {
    const names = new JetStreamNames(options.streamPrefix);
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: [...options.servers], timeout: 5_000 });
    } catch (err) {
      throw new UnavailableError(`nats ${options.servers.join(',')}`, (err as Error).message, { cause: err });
    }
    const jsm = await jetstreamManager(nc);
    const streams: Array<[string, string]> = [
      [names.stream('core'), names.pathFilter('core')],
      [names.stream('noncritical'), names.pathFilter('noncritical')],
      [names.redriveStream, `${names.prefix}.redrive.>`],
      [names.dlqStream, names.dlqFilter()],
    ];
    for (const [name, subject] of streams) {
      const exists = await jsm.streams.info(name).then(() => true, () => false);
      if (!exists) {
        await jsm.streams.add({
          name, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: nanos(120_000),
        }).catch(async (err: unknown) => {
          // Another process created it between the check and the add.
          if (!(await jsm.streams.info(name).then(() => true, () => false))) throw err;
        });
      }
    }
    return new JetStreamEventBus(nc, jetstream(nc), jsm, options);
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    this.assertOpen();
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const bodies = messages.map((m) => {
      const body = JSON.stringify(m);
      const size = Buffer.byteLength(body, 'utf8');
      if (size > limit) throw new MessageTooLargeError(m.id, size, limit);
      return body;
    });
    // In order: JetStream keeps per-subject order of acked publishes.
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      try {
        await this.js.publish(this.names.subject(m.path, m.partitionKey), bodies[i], { msgID: m.id });
      } catch (err) {
        throw new UnavailableError('nats jetstream', `publish of ${m.id} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const sources = [];
    for (const [stream, filter, durable] of [
      [this.names.stream(options.path), this.names.pathFilter(options.path), this.names.durable(options.group, options.path)],
      [this.names.redriveStream, this.names.redriveFilter(options.group, options.path), this.names.durable(options.group, options.path, true)],
    ] as const) {
      await this.ensureConsumer(stream, durable, filter);
      const consumer = await this.js.consumers.get(stream, durable);
      sources.push(await consumer.consume({ max_messages: 256 }));
    }
    const sub = new JetStreamSubscription(sources, options, this.deadLetters);
    this.subscriptions.add(sub);
    return {
      close: async () => {
        this.subscriptions.delete(sub);
        await sub.close();
      },
    };
  }

  private async ensureConsumer(stream: string, durable: string, filter: string): Promise<void> {
    const exists = await this.jsm.consumers.info(stream, durable).then(() => true, () => false);
    if (exists) return;
    await this.jsm.consumers.add(stream, {
      durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: filter,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000), max_deliver: -1, max_ack_pending: 1000,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    await this.nc.drain().catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('JetStreamEventBus is closed');
  }
}
