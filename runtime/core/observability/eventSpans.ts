/**
 * Spans for work done on one stored event after it left the command path (relay publish,
 * projection handle, saga step, notification): each is a child of the span named by the
 * event's traceparent, so the command's trace continues across the bus. `continued` is the
 * event with its traceparent pointing at the new span, for whatever the work passes on.
 */
import { SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanKind } from '@opentelemetry/api';
import type { StoredEvent } from '../../ports/events';
import { tracer } from './telemetry';
import { contextFromTraceparent, traceparentOf } from './traceContext';

export interface EventSpan {
  readonly span: Span;
  readonly ctx: Context;
  /** The event, its metadata.traceparent naming this span (unchanged when tracing is off). */
  readonly continued: StoredEvent;
}

export function startEventSpan(name: string, event: StoredEvent, kind: SpanKind, attributes: Attributes = {}): EventSpan {
  const parent = contextFromTraceparent(event.metadata.traceparent);
  const span = tracer().startSpan(name, {
    kind,
    attributes: {
      'nexus.event_type': event.type, 'nexus.event_id': event.eventId, 'nexus.stream': event.streamId, 'nexus.version': event.version,
      ...(event.metadata.tenant !== undefined ? { 'nexus.tenant': event.metadata.tenant } : {}),
      ...(event.metadata.correlationId !== undefined ? { 'nexus.correlation_id': event.metadata.correlationId } : {}),
      ...attributes,
    },
  }, parent);
  const traceparent = traceparentOf(span);
  const continued = traceparent === undefined ? event : { ...event, metadata: { ...event.metadata, traceparent } };
  return { span, ctx: trace.setSpan(parent, span), continued };
}

/** Ends a span, marking it failed when `err` is given. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  }
  span.end();
}

/** A span that starts a new trace (a saga timeout, a scheduled job): no event caused it. */
export function startRootSpan(name: string, kind: SpanKind, attributes: Attributes = {}): { readonly span: Span; readonly traceparent: string | undefined } {
  const span = tracer().startSpan(name, { kind, attributes, root: true });
  return { span, traceparent: traceparentOf(span) };
}
