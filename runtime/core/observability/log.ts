/**
 * Structured log lines from the core, carrying the ids that tie a line to its flow: correlation
 * id, causation id, tenant and trace id. The core writes to whatever logger the host installs
 * (pino locally and in the cloud runtimes: JSON lines that CloudWatch, Cloud Logging and Azure
 * Monitor parse as is); without one it is silent.
 */
import type { EventMetadata, StoredEvent } from '../../ports/events';
import { parseTraceparent } from './traceContext';

/** The part of pino's interface the core uses. */
export interface StructuredLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

const silent: StructuredLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
let current: StructuredLogger = silent;

export function setCoreLogger(logger: StructuredLogger | undefined): void {
  current = logger ?? silent;
}
export const coreLog = (): StructuredLogger => current;

export interface FlowFields {
  readonly tenant?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly traceId?: string;
  readonly spanId?: string;
}

/** The flow ids of an event's metadata (trace id and span id from its traceparent). */
export function flowFields(metadata: Partial<EventMetadata>): FlowFields {
  const sc = parseTraceparent(metadata.traceparent);
  return {
    ...(metadata.tenant !== undefined ? { tenant: metadata.tenant } : {}),
    ...(metadata.correlationId !== undefined ? { correlationId: metadata.correlationId } : {}),
    ...(metadata.causationId !== undefined ? { causationId: metadata.causationId } : {}),
    ...(sc ? { traceId: sc.traceId, spanId: sc.spanId } : {}),
  };
}

export const eventFields = (e: StoredEvent): FlowFields & { eventId: string; type: string; streamId: string; version: number } =>
  ({ ...flowFields(e.metadata), eventId: e.eventId, type: e.type, streamId: e.streamId, version: e.version });
