/**
 * EventBus wrapper for chaos tests. Publish: latency, transient errors and throttling before,
 * "process kill" after (published, answer lost: the relay publishes again), duplicated
 * messages and batches reordered across partition keys (each key's own order is kept, as the
 * port promises). Subscribe: handlers see injected failures before their work (redelivery),
 * kills after it (acknowledgement lost: redelivery of work already done) and duplicated deliveries.
 */
import type { BusMessage, DeadLetterQueue, EventBus, SubscribeOptions, Subscription } from '../../ports/EventBus';
import type { FaultInjector } from './faults';

export class ChaosEventBus implements EventBus {
  readonly deadLetters: DeadLetterQueue;

  constructor(private readonly inner: EventBus, private readonly faults: FaultInjector) {
    this.deadLetters = inner.deadLetters;
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    await this.faults.before('publish');
    let out = [...messages];
    if (this.faults.plan.reorderAcrossKeys && out.length > 1 && this.faults.enabled) {
      out = this.reorder(out);
    }
    const dupes = out.filter(() => this.faults.chance(this.faults.plan.duplicateRate));
    this.faults.counts.duplicated += dupes.length;
    await this.inner.publish([...out, ...dupes]);
    this.faults.after('publish');
  }

  /** Interleaves per-key queues in random order: cross-key order changes, per-key order does not. */
  private reorder(messages: BusMessage[]): BusMessage[] {
    const queues = new Map<string, BusMessage[]>();
    for (const m of messages) queues.set(m.partitionKey, [...(queues.get(m.partitionKey) ?? []), m]);
    const out: BusMessage[] = [];
    const keys = [...queues.keys()];
    while (keys.length > 0) {
      const i = Math.floor(this.faults.rand() * keys.length);
      const q = queues.get(keys[i]!)!;
      out.push(q.shift()!);
      if (q.length === 0) keys.splice(i, 1);
    }
    if (out.some((m, i) => m !== messages[i])) this.faults.counts.reordered++;
    return out;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe({
      ...options,
      handler: async (delivery) => {
        await this.faults.before(`deliver to ${options.group}`);
        await options.handler(delivery);
        if (this.faults.chance(this.faults.plan.duplicateRate)) {
          this.faults.counts.duplicated++;
          await options.handler(delivery);
        }
        this.faults.after(`ack of ${options.group}`);
      },
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
