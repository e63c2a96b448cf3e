/**
 * One consumer-group subscription of PubSubEventBus (ADR 0062): turns Pub/Sub streaming-pull
 * messages into port deliveries.
 *  - Core path: messages of one ordering key run one at a time, in order. A failed handler is
 *    retried in place with backoff, holding the key, instead of being nacked: Pub/Sub redelivers
 *    a nacked ordered message only after the messages behind it were already handed out, which
 *    would break per-key order. The client keeps extending the lease meanwhile.
 *  - Non-critical path: a failed handler nacks; Pub/Sub redelivers (deliveryAttempt + 1).
 *  - After maxAttempts, or at once on PermanentError, the message is dead-lettered (published
 *    to the dead-letter topic with the error) and acked. The subscription's native dead-letter
 *    policy is the backstop for consumers that crash before they can do that.
 *  - A redriven message carries the group it is meant for; other groups ack it unhandled.
 */
import type { Message, Subscription as SdkSubscription } from '@google-cloud/pubsub';
import { isPermanentError, type BusMessage, type BusPath, type Delivery, type SubscribeOptions, type Subscription } from '../../ports/EventBus';
import { ATTR, decodeBusMessage } from './pubsubMessages';

export interface DeadLetterSink {
  (entry: { message: BusMessage; group: string; attempts: number; error: string; deadLetteredAt: string }): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export class PubSubConsumer implements Subscription {
  private readonly chains = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  private readonly maxAttempts: number;
  private readonly concurrency: number;

  constructor(
    private readonly sdk: SdkSubscription,
    private readonly options: SubscribeOptions,
    private readonly deadLetter: DeadLetterSink,
    private readonly retryBackoffMs: number,
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  start(): void {
    this.sdk.on('message', (m: Message) => this.onMessage(m));
    // Stream errors are retried by the client; nothing to hand to a caller here.
    this.sdk.on('error', () => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sdk.removeAllListeners('message');
    await this.sdk.close();
  }

  private onMessage(m: Message): void {
    const target = m.attributes[ATTR.redriveGroup];
    if (target !== undefined && target !== this.options.group) {
      m.ack();
      return;
    }
    const path: BusPath = this.options.path;
    const key = path === 'core' ? (m.orderingKey || m.id) : m.id;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.process(m, path));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async process(m: Message, path: BusPath): Promise<void> {
    let message: BusMessage;
    try {
      message = decodeBusMessage(m.data, m.attributes, path);
    } catch (err) {
      return this.settle(m, undefined, 1, `undecodable message ${m.id}: ${errorText(err)}`);
    }
    let attempt = Math.max(1, m.deliveryAttempt || 1);
    for (;;) {
      if (this.closed) return m.nack();
      await this.acquire();
      let failure: unknown;
      try {
        const delivery: Delivery = { message, attempt, group: this.options.group };
        await this.options.handler(delivery);
        m.ack();
        return;
      } catch (err) {
        failure = err;
      } finally {
        this.release();
      }
      if (isPermanentError(failure) || attempt >= this.maxAttempts) return this.settle(m, message, attempt, errorText(failure));
      if (path === 'noncritical') return m.nack();
      await sleep(Math.min(2000, this.retryBackoffMs * 2 ** (attempt - 1)));
      attempt++;
    }
  }

  /** Dead-letters and acks; if the dead-letter publish fails, nacks so Pub/Sub tries again. */
  private async settle(m: Message, message: BusMessage | undefined, attempts: number, error: string): Promise<void> {
    try {
      const body = message ?? decodeBusMessage(Buffer.from(JSON.stringify({ specversion: '1.0', id: m.id, source: 'pubsub', type: 'Undecodable' })), {}, this.options.path);
      await this.deadLetter({ message: body, group: this.options.group, attempts, error, deadLetteredAt: new Date().toISOString() });
      m.ack();
    } catch {
      m.nack();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
