/** The event shapes every store, bus and projection agrees on (DESIGN.md "Events"). */

/** Who and what caused an event; carried to the bus as CloudEvents extensions. */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly tenant?: string;
  readonly actor?: string;
  /** W3C trace context of the command that produced the event. */
  readonly traceparent?: string;
  /** The command id that produced the event (command idempotency). */
  readonly commandId?: string;
  readonly [key: string]: string | undefined;
}

/** An event as a writer proposes it, before the store assigns version, position and time. */
export interface NewEvent {
  /** Globally unique id chosen by the writer; re-appending the same ids is idempotent. */
  readonly eventId: string;
  readonly type: string;
  /** Version of the event type's schema that `data` conforms to. */
  readonly schemaVersion: number;
  /** A JSON object. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata?: EventMetadata;
}

/** An event as stored: immutable, never updated or deleted through any port. */
export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 1-based position of the event in its stream. */
  readonly version: number;
  /** Store-wide position, opaque to callers: only the store that issued it can compare it. */
  readonly position: string;
  /** ISO-8601 UTC time at which the store committed the event. */
  readonly recordedAt: string;
  readonly metadata: EventMetadata;
}
