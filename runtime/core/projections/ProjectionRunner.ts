/**
 * Runs a projection live: subscribes its consumer group on the paths its event types travel,
 * applies each delivery through a ProjectionEngine on the index the pointer names (re-read per
 * delivery, so a rebuild's swap — even from another process — is picked up at once), retries
 * transient failures under the retry policy, turns permanent ones into PermanentError (the bus
 * dead-letters them with the envelope, error and attempts) and notifies `projection:<name>`.
 * With an upcaster (deps.upcast, the governed pipeline's afterRead) handlers see every event in
 * the latest version of its type, as the command side does.
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { Delivery, EventBus, Subscription } from '../../ports/EventBus';
import { PermanentError } from '../../ports/EventBus';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { Notifier } from '../../ports/Notifier';
import type { SearchIndex } from '../../ports/SearchIndex';
import { fromEnvelope } from '../relay/envelope';
import { routeOf, type Routing } from '../relay/relay';
import { classifyError, DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../retry';
import { ProjectionEngine } from './ProjectionEngine';
import { indexDefinitionOf, tenantOf, type ProjectionDefinition, type Upcast } from './projection';
import { ensureIndex } from './pointer';
import { endSpan, instruments, msSince, recordProjectionProgress, SpanKind, startEventSpan, type EventSpan } from '../observability';

export interface ProjectionDeps {
  readonly bus: EventBus;
  readonly search: SearchIndex;
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly routing: Routing;
  readonly notifier?: Notifier;
  /** In-handler retries of transient errors before the bus redelivers; default 3 quick tries. */
  readonly retry?: RetryPolicy;
  /** Bus deliveries before dead-lettering; default 5. */
  readonly maxAttempts?: number;
  readonly onError?: (err: unknown, event: StoredEvent | undefined) => void;
  /** Called after an event is applied and flushed (lag measurement, tests). */
  readonly onApplied?: (event: StoredEvent, outcome: string) => void;
  /** Upcasts delivered events (and events read to fill a gap) before the handlers see them; default none. */
  readonly upcast?: Upcast;
}

export interface RunnerStats {
  delivered: number;
  applied: number;
  duplicates: number;
  ignored: number;
  gapsFilled: number;
  retries: number;
  failed: number;
}

export const groupOf = (name: string, path: 'core' | 'noncritical'): string => `projection.${name}${path === 'core' ? '' : '.noncritical'}`;

export class ProjectionRunner {
  readonly stats: RunnerStats = { delivered: 0, applied: 0, duplicates: 0, ignored: 0, gapsFilled: 0, retries: 0, failed: 0 };
  private readonly subs: Subscription[] = [];
  private readonly retry: RetryPolicy;

  constructor(readonly definition: ProjectionDefinition, private readonly deps: ProjectionDeps) {
    this.retry = deps.retry ?? { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200, unknownErrors: 'retryable' };
  }

  async start(): Promise<void> {
    await ensureIndex(this.deps.search, this.deps.checkpoints, this.definition.name, indexDefinitionOf(this.definition));
    const types = Object.keys(this.definition.handlers);
    const paths = new Set(types.map((t) => routeOf(t, this.deps.routing)));
    for (const path of paths) {
      this.subs.push(await this.deps.bus.subscribe({
        group: groupOf(this.definition.name, path), path, maxAttempts: this.deps.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
        handler: (d) => this.handle(d),
      }));
    }
  }

  private async handle(d: Delivery): Promise<void> {
    this.stats.delivered++;
    let event: StoredEvent | undefined;
    let traced: EventSpan | undefined;
    try {
      event = fromEnvelope(d.message.envelope);
      traced = startEventSpan(`projection ${this.definition.name}`, event, SpanKind.CONSUMER, { 'nexus.projection': this.definition.name, 'nexus.attempt': d.attempt });
      const e = event;
      const { outcome, touched } = await withRetry(() => this.applyNow(e), this.retry, {
        onRetry: () => {
          this.stats.retries++;
          instruments().retries.add(1, { component: 'projection' });
        },
      });
      traced.span.setAttribute('nexus.outcome', outcome);
      const lag = msSince(e.recordedAt);
      if (lag !== undefined) {
        instruments().projectionLag.record(lag, { projection: this.definition.name });
        recordProjectionProgress(this.definition.name, e.recordedAt, lag);
      }
      this.deps.onApplied?.(e, outcome);
      if (touched.length > 0 && this.deps.notifier) {
        const notify = startEventSpan(`notify projection:${this.definition.name}`, traced.continued, SpanKind.PRODUCER, { 'nexus.channel': `projection:${this.definition.name}` });
        await this.deps.notifier.publish({
          tenant: tenantOf(e), channel: `projection:${this.definition.name}`, type: e.type,
          payload: { documents: touched, streamId: e.streamId.slice(e.streamId.indexOf(':') + 1), version: e.version, eventId: e.eventId },
          sentAt: new Date().toISOString(),
        }).then(() => {
          endSpan(notify.span);
          const latency = msSince(e.recordedAt);
          if (latency !== undefined) instruments().notificationLatency.record(latency, { kind: 'projection' });
        }, (err: unknown) => {
          endSpan(notify.span, err);
          this.deps.onError?.(err, e);
        });
      }
      endSpan(traced.span);
    } catch (err) {
      if (traced) endSpan(traced.span, err);
      this.stats.failed++;
      this.deps.onError?.(err, event);
      if (classifyError(err, this.retry) === 'permanent') {
        throw err instanceof PermanentError ? err : new PermanentError(`projection ${this.definition.name}: ${(err as Error).message}`, { cause: err });
      }
      throw err;
    }
  }

  private async applyNow(event: StoredEvent): Promise<{ outcome: string; touched: string[] }> {
    const index = await ensureIndex(this.deps.search, this.deps.checkpoints, this.definition.name, indexDefinitionOf(this.definition));
    const engine = new ProjectionEngine(this.definition, this.deps.search, this.deps.store, index, { upcast: this.deps.upcast });
    try {
      const outcome = await engine.apply(event);
      const touched = await engine.flush();
      if (outcome === 'applied') this.stats.applied++;
      else if (outcome === 'duplicate') this.stats.duplicates++;
      else this.stats.ignored++;
      this.stats.gapsFilled += engine.stats.gapsFilled;
      return { outcome, touched };
    } catch (err) {
      engine.discard();
      throw err;
    }
  }

  async stop(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.close();
  }
}
