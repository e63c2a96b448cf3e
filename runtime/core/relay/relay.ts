/**
 * The relay: the only road from the event store to the bus (transactional outbox). Locally the
 * OutboxRelay tails the store's readAll from a checkpoint; on clouds a change-data-capture
 * trigger (DynamoDB Streams, a Firestore trigger, the Cosmos change feed) hands the same
 * `relayBatch` core its batches. Each event is wrapped in a CloudEvents envelope, routed by type
 * to the core path (default) or the non-critical path (manifest.routing), and published; the
 * checkpoint advances only after the bus accepted the page, so a crash between append and
 * publish loses nothing and at worst republishes (consumers deduplicate by event id/version).
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import { isCheckpointConflictError } from '../../ports/CheckpointStore';
import type { BusMessage, BusPath, CloudEventEnvelope, EventBus } from '../../ports/EventBus';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../retry';
import { toEnvelope } from './envelope';
import { endSpan, instruments, msSince, SpanKind, startEventSpan } from '../observability';

export interface Routing {
  /** Event types sent on the non-critical path; every other type takes the core path. */
  readonly noncritical: readonly string[];
}

export interface RelayCoreDeps {
  readonly bus: EventBus;
  readonly routing: Routing;
  readonly toEnvelope?: (event: StoredEvent) => CloudEventEnvelope;
  readonly retry?: RetryPolicy;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const routeOf = (type: string, routing: Routing): BusPath => (routing.noncritical.includes(type) ? 'noncritical' : 'core');

export function toBusMessages(events: readonly StoredEvent[], routing: Routing, envelope: (e: StoredEvent) => CloudEventEnvelope = toEnvelope): BusMessage[] {
  return events.map((e) => ({ id: e.eventId, partitionKey: e.streamId, path: routeOf(e.type, routing), envelope: envelope(e) }));
}

/** The relay core shared by the local outbox poller and every cloud CDC trigger: publish one batch, with retries. */
export async function relayBatch(events: readonly StoredEvent[], deps: RelayCoreDeps): Promise<number> {
  if (events.length === 0) return 0;
  // One `relay <type>` span per event, child of its append; the envelope's traceparent names it.
  const spans = events.map((e) => startEventSpan(`relay ${e.type}`, e, SpanKind.PRODUCER, { 'nexus.path': routeOf(e.type, deps.routing) }));
  const messages = toBusMessages(spans.map((s) => s.continued), deps.routing, deps.toEnvelope);
  let failure: unknown;
  try {
    await withRetry(() => deps.bus.publish(messages), deps.retry ?? { ...DEFAULT_RETRY_POLICY, maxAttempts: 8, unknownErrors: 'permanent' }, {
      onRetry: (info) => {
        instruments().retries.add(1, { component: 'relay' });
        deps.onRetry?.(info);
      },
    });
    for (const m of messages) {
      instruments().relayPublished.add(1, { path: m.path });
      const lag = msSince(m.envelope.time);
      if (lag !== undefined) instruments().relayLag.record(lag, { path: m.path });
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    for (const s of spans) endSpan(s.span, failure);
  }
  return messages.length;
}

export interface OutboxRelayOptions extends RelayCoreDeps {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  /** Checkpoint name; default "relay:bus". */
  readonly name?: string;
  /** readAll page size; default 500. */
  readonly batchSize?: number;
  /** Idle poll interval; default 10 ms. */
  readonly pollMs?: number;
  readonly onError?: (err: unknown) => void;
}

export interface RelayStats {
  published: number;
  pages: number;
  retries: number;
  checkpointConflicts: number;
}

export class OutboxRelay {
  readonly stats: RelayStats = { published: 0, pages: 0, retries: 0, checkpointConflicts: 0 };
  private readonly name: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly o: OutboxRelayOptions) {
    this.name = o.name ?? 'relay:bus';
  }

  /**
   * Publishes one readAll page after the checkpoint and advances it (compare-and-set, so two
   * relays on one store never both advance the same page). Returns the number published and
   * whether the end of the log was reached.
   */
  async pollOnce(): Promise<{ published: number; isEnd: boolean }> {
    const after = await this.o.checkpoints.get(this.name);
    const page = await this.o.store.readAll({ after, limit: this.o.batchSize ?? 500 });
    if (page.events.length > 0) {
      await relayBatch(page.events, { ...this.o, onRetry: (i) => { this.stats.retries++; this.o.onRetry?.(i); } });
      this.stats.published += page.events.length;
      this.stats.pages++;
    }
    if (page.checkpoint !== undefined && page.checkpoint !== after) {
      try {
        await this.o.checkpoints.set(this.name, page.checkpoint, { current: after });
      } catch (err) {
        if (!isCheckpointConflictError(err)) throw err;
        // Another relay advanced it: we published duplicates, which consumers absorb.
        this.stats.checkpointConflicts++;
      }
    }
    return { published: page.events.length, isEnd: page.isEnd };
  }

  /** Publishes until the checkpoint reaches the end of the log. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.pollOnce();
      total += r.published;
      if (r.isEnd || r.published === 0) return total;
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks a sleeping relay to poll now (e.g. right after an append); never a second write path. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let idle = false;
      try {
        const r = await this.pollOnce();
        idle = r.isEnd || r.published === 0;
        failures = 0;
      } catch (err) {
        failures++;
        this.o.onError?.(err);
        idle = true;
      }
      if (!this.running) break;
      if (idle) {
        const wait = failures > 0 ? Math.min(5_000, 50 * 2 ** Math.min(failures, 7)) : this.o.pollMs ?? 10;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          this.wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }
}
