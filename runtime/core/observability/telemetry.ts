/**
 * Tracer and meter accessors for the core, on the OpenTelemetry API only: no SDK and no vendor
 * exporter is imported here. Without a registered SDK every call is a cheap no-op; the runtime's
 * composition root (runtime/observability/) registers the SDK and picks exporters from the
 * manifest. Instruments are created lazily and re-created when the global meter provider
 * changes, because the API has no proxy meter provider (instruments made before registration
 * would stay no-ops forever).
 */
import {
  SpanKind, SpanStatusCode, metrics, trace, type Attributes, type Context, type Counter, type Histogram,
  type Meter, type MeterProvider, type Span, type Tracer,
} from '@opentelemetry/api';
import { isConcurrencyError } from '../../ports/EventStore';

export const INSTRUMENTATION_SCOPE = 'nexus';
export const INSTRUMENTATION_VERSION = '0.1.0';

export const tracer = (): Tracer => trace.getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
export const meter = (): Meter => metrics.getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);

/** Metric names (the Prometheus names are these with dots → underscores plus unit/`_total` suffixes). */
export const METRIC = {
  commands: 'nexus.commands',
  commandDuration: 'nexus.command.duration',
  conflicts: 'nexus.command.conflicts',
  retries: 'nexus.retries',
  appendLatency: 'nexus.append.latency',
  relayPublished: 'nexus.relay.published',
  relayLag: 'nexus.relay.lag',
  projectionLag: 'nexus.projection.lag',
  dlqDepth: 'nexus.dlq.depth',
  snapshotAge: 'nexus.snapshot.age',
  snapshotTriggerLatency: 'nexus.snapshot.trigger.latency',
  notificationLatency: 'nexus.notification.latency',
} as const;

export interface CoreInstruments {
  readonly commands: Counter;
  readonly commandDuration: Histogram;
  readonly conflicts: Counter;
  readonly retries: Counter;
  readonly appendLatency: Histogram;
  readonly relayPublished: Counter;
  readonly relayLag: Histogram;
  readonly projectionLag: Histogram;
  readonly snapshotAge: Histogram;
  readonly snapshotTriggerLatency: Histogram;
  readonly notificationLatency: Histogram;
}

/** Latency buckets in milliseconds (1 ms … 60 s). */
const MS_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

let cached: { provider: MeterProvider; instruments: CoreInstruments } | undefined;

export function instruments(): CoreInstruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const m = meter();
  const ms = (name: string, description: string): Histogram =>
    m.createHistogram(name, { description, unit: 'ms', advice: { explicitBucketBoundaries: MS_BUCKETS } });
  const made: CoreInstruments = {
    commands: m.createCounter(METRIC.commands, { description: 'Commands handled, by aggregate, command type and outcome (ok, replayed, rejected, conflict, error)' }),
    commandDuration: ms(METRIC.commandDuration, 'Command handling time, idempotency check to result'),
    conflicts: m.createCounter(METRIC.conflicts, { description: 'Optimistic concurrency conflicts met by the command path (retried or returned)' }),
    retries: m.createCounter(METRIC.retries, { description: 'Retries, by component (command, relay, projection)' }),
    appendLatency: ms(METRIC.appendLatency, 'EventStore.append latency, by outcome'),
    relayPublished: m.createCounter(METRIC.relayPublished, { description: 'Events published to the bus by the relay, by path' }),
    relayLag: ms(METRIC.relayLag, 'Time from an event being recorded to the relay publishing it'),
    projectionLag: ms(METRIC.projectionLag, 'Time from an event being recorded to a projection applying it, per projection'),
    snapshotAge: m.createHistogram(METRIC.snapshotAge, { description: 'Age of the snapshot an aggregate load started from', unit: 's', advice: { explicitBucketBoundaries: [1, 10, 60, 300, 900, 3600, 21600, 86400] } }),
    snapshotTriggerLatency: ms(METRIC.snapshotTriggerLatency, 'Time from a snapshot trigger (count or age) firing to the snapshot being written, by trigger'),
    notificationLatency: ms(METRIC.notificationLatency, 'Time from an event being recorded to its notification being pushed, by kind (stream, projection)'),
  };
  // Retry series exist from the start (at 0), so dashboards and alerts see them before the first retry.
  for (const component of ['command', 'relay', 'projection']) made.retries.add(0, { component });
  cached = { provider, instruments: made };
  return made;
}

/** Milliseconds since an ISO time (0 when unknown or in the future: clocks differ across hosts). */
export function msSince(iso: string | undefined, now = Date.now()): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.max(0, now - t);
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
}

/**
 * Runs `fn` inside a span started under `parent` (explicit contexts: no context manager is
 * needed, so the core behaves the same whatever the host registered). Errors mark the span and
 * are rethrown.
 */
export async function inSpan<T>(name: string, parent: Context, options: SpanOptions, fn: (span: Span, ctx: Context) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await fn(span, trace.setSpan(parent, span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}

export { SpanKind };
export type { Context, Span } from '@opentelemetry/api';

/** `nexus.commands` outcome of a failed command: conflict, rejected (a client or domain error) or error. */
export function commandOutcome(err: unknown): string {
  if (isConcurrencyError(err)) return 'conflict';
  const e = err as { code?: unknown; retryable?: unknown } | undefined;
  return typeof e?.code === 'string' && e.retryable !== true ? 'rejected' : 'error';
}
