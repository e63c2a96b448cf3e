/**
 * One subscription of the JetStream bus: pulls from the group's durable consumers (path stream
 * and redrive stream), runs handlers with per-partition-key order on the core path (a key's
 * messages run one after another; different keys in parallel up to `concurrency`), retries a
 * failing handler in process with exponential backoff while its partition waits, and after
 * maxAttempts (or at once on PermanentError) stores a dead letter and acks (ADR 0081). On close,
 * messages not yet handled are nak'd so the server redelivers them to the next subscriber.
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { isPermanentError, type BusMessage, type SubscribeOptions, type Subscription } from '../../../ports/EventBus';
import type { JetStreamDeadLetterQueue } from '../JetStreamDeadLetterQueue';

const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 2_000;
/** A message given back on close is redelivered after this delay, so not to this closing pull. */
const CLOSE_NAK_DELAY_MS = 1_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class JetStreamSubscription implements Subscription {
  private closed = false;
  private readonly chains = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly loops: Array<Promise<void>>;

  constructor(private readonly sources: readonly ConsumerMessages[], private readonly options: SubscribeOptions, private readonly dlq: JetStreamDeadLetterQueue) {
    this.loops = sources.map((s) => this.loop(s));
  }

  private async loop(source: ConsumerMessages): Promise<void> {
    for await (const m of source) {
      if (this.closed) {
        m.nak(CLOSE_NAK_DELAY_MS);
        continue;
      }
      this.dispatch(m);
    }
  }

  private dispatch(m: JsMsg): void {
    let message: BusMessage;
    try {
      message = m.json<BusMessage>();
    } catch {
      m.term();
      return;
    }
    // Core path: one chain per partition key keeps its order; non-critical: per message.
    const key = this.options.path === 'core' ? message.partitionKey : `${message.id}/${m.seq}`;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.handle(m, message));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    const limit = Math.max(1, this.options.concurrency ?? 1);
    while (this.running >= limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private async handle(m: JsMsg, message: BusMessage): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    // Server redeliveries (after a restart or a nak on close) count as attempts already made.
    let attempt = m.info.deliveryCount;
    for (;;) {
      if (this.closed) {
        m.nak(CLOSE_NAK_DELAY_MS);
        return;
      }
      // A handler slot is held per attempt only: a partition backing off does not block others.
      const failure = await this.withSlot(async () => {
        try {
          await this.options.handler({ message, attempt, group: this.options.group });
          return undefined;
        } catch (err) {
          return { err };
        }
      });
      if (!failure) {
        await m.ackAck().catch(() => false);
        return;
      }
      if (isPermanentError(failure.err) || attempt >= maxAttempts) {
        const reason = failure.err instanceof Error ? failure.err.message : String(failure.err);
        await this.dlq.add(this.options.group, message, attempt, reason);
        await m.ackAck().catch(() => false);
        return;
      }
      m.working();
      await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
      attempt += 1;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Settle every handler first (ack, dead-letter or nak), then stop pulling: acks and naks
    // sent after stop() may not reach the server.
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
    for (const s of this.sources) s.stop();
    await Promise.allSettled(this.loops);
  }
}
