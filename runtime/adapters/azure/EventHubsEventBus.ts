/**
 * EventBus on Azure Event Hubs (ADR 0073): a `core` hub and a `noncritical` hub; publish sends
 * each partition key's messages in one batch with partitionKey = stream id (Event Hubs keeps
 * a key's events in one partition, in order); subscribe runs an EventHubConsumerClient for the
 * group's Event Hubs consumer group, whose checkpoint store (Cosmos `bus-checkpoints`) balances
 * partitions between instances and remembers positions. Event Hubs has no dead-lettering: the
 * consumer writes dead letters to the Cosmos `deadletters` container (ADR 0121), and redrive
 * republishes to the hub marked for the original group only (other groups skip it).
 * Clients come in through the constructor (eventHubsClients.ts), so no SDK type leaks.
 */
import {
  MessageTooLargeError, type BusMessage, type BusPath, type DeadLetter, type EventBus, type SubscribeOptions, type Subscription,
} from '../../ports/EventBus';
import { InvalidArgumentError } from '../../ports/errors';
import { systemClock, type Clock } from '../../ports/Clock';
import { CosmosDeadLetterQueue } from './CosmosDeadLetterQueue';
import type { Container } from '@azure/cosmos';
import { EVENT_HUBS_MAX_EVENT_BYTES, messageSize, toEventData, translateHubError, type EventHubsClients } from './eventHubsClients';
import { EventHubsSubscription } from './eventHubsConsumer';

export interface EventHubsEventBusOptions {
  readonly clients: EventHubsClients;
  /** The Cosmos `deadletters` container (partition key /group). */
  readonly deadLetterContainer: Container;
  /** Nexus consumer group → Event Hubs consumer group (manifest bus.consumerGroups); unknown groups use their own name. */
  readonly consumerGroups?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  /** Back-off between in-place retries of a failing handler. */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly onError?: (err: unknown) => void;
}

export class EventHubsEventBus implements EventBus {
  readonly deadLetters: CosmosDeadLetterQueue;
  private readonly clock: Clock;
  private readonly subscriptions = new Set<EventHubsSubscription>();

  constructor(private readonly options: EventHubsEventBusOptions) {
    this.clock = options.clock ?? systemClock;
    this.deadLetters = new CosmosDeadLetterQueue({ container: options.deadLetterContainer, redeliver: (letter) => this.redeliver(letter) });
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    for (const m of messages) {
      if (typeof m.partitionKey !== 'string' || m.partitionKey.length === 0) throw new InvalidArgumentError('partitionKey', `message ${m.id}: must be a non-empty string`);
      if (m.path !== 'core' && m.path !== 'noncritical') throw new InvalidArgumentError('path', `message ${m.id}: must be "core" or "noncritical"`);
      const size = messageSize(m);
      if (size > EVENT_HUBS_MAX_EVENT_BYTES) throw new MessageTooLargeError(m.id, size, EVENT_HUBS_MAX_EVENT_BYTES);
    }
    // One batch per (path, key), in publish order: a key's messages stay in order on its partition.
    const groups = new Map<string, { path: BusPath; key: string; list: BusMessage[] }>();
    for (const m of messages) {
      const k = `${m.path}\u0000${m.partitionKey}`;
      const g = groups.get(k) ?? { path: m.path, key: m.partitionKey, list: [] };
      g.list.push(m);
      groups.set(k, g);
    }
    for (const g of groups.values()) await this.send(g.path, g.key, g.list);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (typeof options.group !== 'string' || options.group.length === 0) throw new InvalidArgumentError('group', 'must be a non-empty string');
    const consumerGroup = this.options.consumerGroups?.[options.group] ?? options.group;
    const sub = new EventHubsSubscription(options, {
      consumer: this.options.clients.consumer(options.path, consumerGroup),
      path: options.path,
      deadLetters: this.deadLetters,
      clock: this.clock,
      startAt: this.clock.now(),
      ...(this.options.retryDelayMs ? { retryDelayMs: this.options.retryDelayMs } : {}),
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    }).start();
    this.subscriptions.add(sub);
    return { close: async () => { this.subscriptions.delete(sub); await sub.close(); } };
  }

  async close(): Promise<void> {
    for (const s of [...this.subscriptions]) await s.close();
    this.subscriptions.clear();
    for (const path of ['core', 'noncritical'] as const) await this.options.clients.producer(path).close();
  }

  private async redeliver(letter: DeadLetter): Promise<void> {
    await this.send(letter.message.path, letter.message.partitionKey, [letter.message], letter.group);
  }

  private async send(path: BusPath, partitionKey: string, list: readonly BusMessage[], redriveGroup?: string): Promise<void> {
    const producer = this.options.clients.producer(path);
    const hub = path;
    try {
      let batch = await producer.createBatch({ partitionKey });
      for (const m of list) {
        if (batch.tryAdd(toEventData(m, redriveGroup))) continue;
        if (batch.count === 0) throw new MessageTooLargeError(m.id, messageSize(m), batch.maxSizeInBytes);
        await producer.sendBatch(batch);
        batch = await producer.createBatch({ partitionKey });
        if (!batch.tryAdd(toEventData(m, redriveGroup))) throw new MessageTooLargeError(m.id, messageSize(m), batch.maxSizeInBytes);
      }
      if (batch.count > 0) await producer.sendBatch(batch);
    } catch (err) {
      throw translateHubError(err, hub, list[0]);
    }
  }
}
