/**
 * W3C Trace Context (`traceparent`) ⇄ OpenTelemetry span contexts, with the API only. The
 * traceparent travels in each stored event's metadata and, from there, in the CloudEvents
 * `traceparent` extension, so one trace follows a command across the bus to its projections,
 * sagas and notifications (docs/observability.md "Trace model").
 */
import { ROOT_CONTEXT, TraceFlags, isSpanContextValid, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** `00-<trace id>-<span id>-<flags>`, or undefined for an invalid (no-op, unsampled root) context. */
export function formatTraceparent(sc: SpanContext): string | undefined {
  if (!isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
}

export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const m = value === undefined ? null : TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const sc: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) & 0xff, isRemote: true };
  return isSpanContextValid(sc) ? sc : undefined;
}

/** A parent context from a traceparent (ROOT_CONTEXT when absent or malformed: a new trace starts). */
export function contextFromTraceparent(value: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const sc = parseTraceparent(value);
  return sc ? trace.setSpanContext(base, sc) : base;
}

/** The traceparent naming `span` as the parent of whatever it causes. */
export const traceparentOf = (span: Span): string | undefined => formatTraceparent(span.spanContext());

/** The trace id of a traceparent (for log lines), if it is valid. */
export const traceIdOf = (value: string | undefined): string | undefined => parseTraceparent(value)?.traceId;
