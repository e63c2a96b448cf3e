/**
 * One EventHubsEventBus subscription (ADR 0073): the SDK's processor hands each owned partition's
 * events in order, one batch at a time (`processEvents` is awaited before the next batch of that
 * partition), so per-partition — hence per-stream — order holds. Within a batch, events of
 * different partition keys may run concurrently (`concurrency`), events of one key never do.
 * A failing handler is retried in place with a short back-off, holding its key back (Event Hubs
 * has no redelivery); after maxAttempts, or at once on PermanentError, the message goes to the
 * Cosmos dead-letter container BEFORE the checkpoint moves past it (ADR 0121). Messages redriven
 * for another group are skipped by this one.
 */
import type { PartitionContext, ReceivedEventData, Subscription as HubSubscription } from '@azure/event-hubs';
import { isPermanentError, type BusMessage, type BusPath, type SubscribeOptions, type Subscription } from '../../ports/EventBus';
import type { Clock } from '../../ports/Clock';
import type { CosmosDeadLetterQueue } from './CosmosDeadLetterQueue';
import { fromEventData, type HubConsumer } from './eventHubsClients';

export interface ConsumerDeps {
  readonly consumer: HubConsumer;
  readonly path: BusPath;
  readonly deadLetters: CosmosDeadLetterQueue;
  readonly clock: Clock;
  /** Where a group with no checkpoint yet starts: events enqueued at or after this time. */
  readonly startAt: Date;
  /** Back-off between in-place retries; default 25 ms × attempt (kept short: the partition waits). */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly onError?: (err: unknown) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EventHubsSubscription implements Subscription {
  private hub: HubSubscription | undefined;
  private closed = false;

  constructor(private readonly options: SubscribeOptions, private readonly deps: ConsumerDeps) {}

  start(): this {
    this.hub = this.deps.consumer.subscribe({
      processEvents: (events, context) => this.processBatch(events, context),
      processError: async (err) => { this.deps.onError?.(err); },
    }, { startPosition: { enqueuedOn: this.deps.startAt }, maxBatchSize: 100, maxWaitTimeInSeconds: 1 });
    return this;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.hub?.close();
    await this.deps.consumer.close();
  }

  private async processBatch(events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    if (events.length === 0 || this.closed) return;
    const byKey = new Map<string, BusMessage[]>();
    for (const e of events) {
      const { message, redriveGroup } = fromEventData(e, this.deps.path);
      if (redriveGroup !== undefined && redriveGroup !== this.options.group) continue;
      byKey.set(message.partitionKey, [...(byKey.get(message.partitionKey) ?? []), message]);
    }
    const lanes = [...byKey.values()];
    const width = Math.max(1, this.options.concurrency ?? 1);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < lanes.length && !this.closed) {
        const lane = lanes[next++]!;
        for (const m of lane) {
          if (this.closed) return;
          await this.deliver(m);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, lanes.length) }, worker));
    // A closed subscription stops mid-batch without checkpointing: the rest is delivered again.
    if (!this.closed) await context.updateCheckpoint(events[events.length - 1]!);
  }

  private async deliver(message: BusMessage): Promise<void> {
    const max = Math.max(1, this.options.maxAttempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handler({ message, attempt, group: this.options.group });
        return;
      } catch (err) {
        if (isPermanentError(err) || attempt >= max) {
          const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          await this.deps.deadLetters.put(this.options.group, message, attempt, text, this.deps.clock.now());
          return;
        }
        if (this.closed) return;
        await sleep(this.deps.retryDelayMs ? this.deps.retryDelayMs(attempt) : 25 * attempt);
      }
    }
  }
}
