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
}

export const DEFAULT_DISPATCHER_SETTINGS: DispatcherSettings = {
  pollMs: 50,
  redelivery: { baseDelayMs: 50, maxDelayMs: 5_000 },
  leaseMs: 30_000,
  closeGraceMs: 5_000,
};

export class SubscriptionDispatcher implements Subscription {
  private closed = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();
  private readonly maxAttempts: number;
  private readonly concurrency: number;

  constructor(
    private readonly storage: BusStorage,
    private readonly options: SubscribeOptions,
    private readonly settings: DispatcherSettings,
    private readonly onClose: (d: SubscriptionDispatcher) => void,
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** Asks for a pump soon (coalesced). */
  kick(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    const free = this.concurrency - this.running.size;
    if (free <= 0) return;
    const now = Date.now();
    let claimed: ClaimedDelivery[];
    try {
      claimed = this.storage.claim({
        group: this.options.group, ordered: this.options.path === 'core', limit: free, nowMs: now, leaseUntilMs: now + this.settings.leaseMs,
      });
    } catch {
      // Storage closed or busy: try again on the next poll.
      claimed = [];
    }
    for (const d of claimed) {
      const p = this.deliver(d).finally(() => {
        this.running.delete(p);
        this.kick();
      });
      this.running.add(p);
    }
    this.armTimer(now);
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
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const { group } = this.options;
    try {
      await this.options.handler({ message: d.message, attempt: d.attempt, group });
    } catch (err) {
      this.settle(() => {
        if (isPermanentError(err) || d.attempt >= this.maxAttempts) {
          this.storage.deadLetter(group, d.seq, d.attempt, describeError(err), new Date().toISOString());
        } else {
          this.storage.retryLater(group, d.seq, Date.now() + backoffDelay(d.attempt, this.settings.redelivery));
        }
      });
      return;
    }
    this.settle(() => this.storage.ack(group, d.seq));
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
    await Promise.race([Promise.allSettled([...this.running]), grace]);
    this.onClose(this);
  }
}
