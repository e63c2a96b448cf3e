/**
 * Traces kept in memory for the local dashboard: a SpanExporter that holds the most recent
 * finished spans in a bounded ring (oldest dropped first) and groups them by trace id. No
 * external service is needed to look at a trace locally (`GET /traces`, `GET /traces/:id`).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** A finished span as the dashboard and the API show it. */
export interface SpanView {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTime: string;
  readonly durationMs: number;
  readonly status: 'ok' | 'error' | 'unset';
  readonly statusMessage?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface TraceSummary {
  readonly traceId: string;
  /** The span without a parent in the buffer (the command, or a saga timeout). */
  readonly root: string;
  readonly startTime: string;
  readonly durationMs: number;
  readonly spans: number;
  readonly errors: number;
  readonly tenant?: string;
}

const hrMs = (t: readonly [number, number]): number => t[0] * 1000 + t[1] / 1e6;

export function toSpanView(s: ReadableSpan): SpanView {
  const parent = s.parentSpanContext?.spanId;
  return {
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: s.name,
    kind: s.kind,
    startTime: new Date(hrMs(s.startTime)).toISOString(),
    durationMs: Math.round(hrMs(s.duration) * 1000) / 1000,
    status: s.status.code === SpanStatusCode.ERROR ? 'error' : s.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    ...(s.status.message ? { statusMessage: s.status.message } : {}),
    attributes: { ...s.attributes },
  };
}

export class TraceBuffer implements SpanExporter {
  private readonly ring: Array<SpanView | undefined>;
  private next = 0;

  /** @param capacity spans kept (default 10 000, about 5 MB). */
  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`TraceBuffer capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<SpanView | undefined>(capacity);
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const s of spans) {
      this.ring[this.next] = toSpanView(s);
      this.next = (this.next + 1) % this.capacity;
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {
    this.clear();
  }

  async forceFlush(): Promise<void> {
    // Spans are kept as they are exported: nothing is buffered elsewhere.
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }

  /** Every span held, oldest first. */
  spans(): SpanView[] {
    const out: SpanView[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const s = this.ring[(this.next + i) % this.capacity];
      if (s) out.push(s);
    }
    return out;
  }

  /** The spans of one trace, ordered by start time. */
  trace(traceId: string): SpanView[] {
    return this.spans().filter((s) => s.traceId === traceId).sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
  }

  /** Traces newest first, optionally only those touching `tenant` (a span with nexus.tenant). */
  traces(options: { tenant?: string; limit?: number } = {}): TraceSummary[] {
    const byTrace = new Map<string, SpanView[]>();
    for (const s of this.spans()) {
      const list = byTrace.get(s.traceId);
      if (list) list.push(s);
      else byTrace.set(s.traceId, [s]);
    }
    const out: TraceSummary[] = [];
    for (const [traceId, spans] of byTrace) {
      const tenant = spans.map((s) => s.attributes['nexus.tenant']).find((t): t is string => typeof t === 'string');
      if (options.tenant !== undefined && tenant !== options.tenant) continue;
      const ids = new Set(spans.map((s) => s.spanId));
      const root = spans.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? spans[0]!;
      const start = Math.min(...spans.map((s) => Date.parse(s.startTime)));
      const end = Math.max(...spans.map((s) => Date.parse(s.startTime) + s.durationMs));
      out.push({
        traceId, root: root.name, startTime: new Date(start).toISOString(), durationMs: Math.round((end - start) * 1000) / 1000,
        spans: spans.length, errors: spans.filter((s) => s.status === 'error').length, ...(tenant !== undefined ? { tenant } : {}),
      });
    }
    out.sort((a, b) => (a.startTime < b.startTime ? 1 : -1));
    return out.slice(0, options.limit ?? 100);
  }
}
