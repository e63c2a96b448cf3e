/**
 * Drives one subscription of a local bus: claims deliveries from BusStorage up to the
 * subscription's concurrency, runs the handler, and settles each delivery (ack on resolve,
 * redelivery with full-jitter backoff on throw, dead-letter after maxAttempts or at once on
 * PermanentError). Woken at once by in-process publishes; polls for work published by other
 * processes (SQLite) and for delayed redeliveries.
 */
import type { SubscribeOptions, Subscription } from '../../../ports/EventBus';
import { isPermanentError } from '../../../ports/EventBus';
import { backoffDelay } from '../../../core/retry';
import type { BusStorage, ClaimedDelivery } from './BusStorage';
import { describeError } from './BusStorage';

export interface DispatcherSettings {
  /** Poll interval when idle (work from other processes, delayed redeliveries); default 50 ms. */
  readonly pollMs: number;
  /** Redelivery backoff (full jitter): first retry within baseMs, growing to maxMs. */
  readonly redelivery: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** Claimed-but-unsettled deliveries become claimable again after this; default 30 s. */
  readonly leaseMs: number;
  /** Max ms close() waits for running handlers. */
  readonly closeGraceMs: number;
  /** Deliveries claimed per batch (leased together); default 64. */
  readonly prefetch: number;
}

export const DEFAULT_DISPATCHER_SETTINGS: DispatcherSettings = {
  pollMs: 50,
  redelivery: { baseDelayMs: 50, maxDelayMs: 5_000 },
  leaseMs: 30_000,
  closeGraceMs: 5_000,
  prefetch: 64,
};

export class SubscriptionDispatcher implements Subscription {
  private closed = false;
  private scheduled = false;
  private busy = false;
  private current: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly prefetch: number;

  constructor(
    private readonly storage: BusStorage,
    private readonly options: SubscribeOptions,
    private readonly settings: DispatcherSettings,
    private readonly onClose: (d: SubscriptionDispatcher) => void,
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.prefetch = Math.max(this.concurrency, settings.prefetch);
  }

  /** Asks for a pump soon (coalesced). */
  kick(): void {
    if (this.closed || this.scheduled || this.busy) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  /**
   * Claims a batch (up to `prefetch`), splits it into lanes — one per partition key on the core
   * path, one per message otherwise — and runs up to `concurrency` lanes at once, each lane in
   * order. When a delivery of a lane is nacked, the rest of that lane is released unprocessed
   * (so a partition never runs ahead of a message waiting for redelivery).
   */
  private async pump(): Promise<void> {
    if (this.closed || this.busy) return;
    this.busy = true;
    const batch = (async () => {
      const now = Date.now();
      let claimed: ClaimedDelivery[];
      try {
        claimed = this.storage.claim({
          group: this.options.group, ordered: this.options.path === 'core', limit: this.prefetch, nowMs: now, leaseUntilMs: now + this.settings.leaseMs,
        });
      } catch {
        // Storage closed or busy: try again on the next poll.
        claimed = [];
      }
      const lanes = new Map<string, ClaimedDelivery[]>();
      for (const d of claimed) {
        const key = this.options.path === 'core' ? d.message.partitionKey : String(d.seq);
        lanes.set(key, [...(lanes.get(key) ?? []), d]);
      }
      const queue = [...lanes.values()];
      const worker = async (): Promise<void> => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          for (let i = 0; i < lane.length; i++) {
            if (this.closed || !(await this.deliver(lane[i]!))) {
              for (const rest of lane.slice(i + (this.closed ? 0 : 1))) this.settle(() => this.storage.release(this.options.group, rest.seq));
              break;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, Math.max(1, queue.length)) }, worker));
      return claimed.length;
    })();
    this.current = batch.then(() => undefined);
    const n = await batch;
    this.busy = false;
    if (n > 0) this.kick();
    else this.armTimer(Date.now());
  }

  private armTimer(now: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    let wait = this.settings.pollMs;
    try {
      const next = this.storage.nextAvailableAt(this.options.group);
      if (next !== undefined) wait = Math.max(0, Math.min(wait, next - now));
    } catch {
      // closed storage: keep the poll interval
    }
    this.timer = setTimeout(() => void this.pump(), wait);
    this.timer.unref();
  }

  /** Runs the handler and settles the delivery; false when it was nacked (to be redelivered later). */
  private async deliver(d: ClaimedDelivery): Promise<boolean> {
    const { group } = this.options;
    try {
      await this.options.handler({ message: d.message, attempt: d.attempt, group });
    } catch (err) {
      const dead = isPermanentError(err) || d.attempt >= this.maxAttempts;
      this.settle(() => {
        if (dead) this.storage.deadLetter(group, d.seq, d.attempt, describeError(err), new Date().toISOString());
        else this.storage.retryLater(group, d.seq, Date.now() + backoffDelay(d.attempt, this.settings.redelivery));
      });
      return dead;
    }
    this.settle(() => this.storage.ack(group, d.seq));
    return true;
  }

  /** Settling after the bus closed is not possible: the lease makes the delivery claimable again. */
  private settle(fn: () => void): void {
    try {
      fn();
    } catch {
      // storage closed mid-delivery: at-least-once redelivery after the lease covers it
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const grace = new Promise<void>((r) => setTimeout(r, this.settings.closeGraceMs).unref());
    await Promise.race([this.current, grace]);
    this.onClose(this);
  }
}
