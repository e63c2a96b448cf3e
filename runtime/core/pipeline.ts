/**
 * The event pipeline: the one seam every append and every read of the command/query path
 * passes through. Governance plugs in here — `beforeAppend` validates events against their
 * registered schemas (throwing SchemaValidationError, so nothing is stored) and `afterRead`
 * upcasts stored events to the latest schema version of their type. The default is identity.
 */
import type { NewEvent, StoredEvent } from '../ports/events';

/** What the pipeline knows about the append it is checking. */
export interface AppendContext {
  /** Tenant-qualified stream id (`<tenant>:<Aggregate>-<id>`). */
  readonly streamId: string;
  readonly tenant?: string;
  /** Aggregate type, when the append comes from a command handler. */
  readonly aggregateType?: string;
  /** Command id, when the append comes from a command handler. */
  readonly commandId?: string;
}

export interface EventPipeline {
  /**
   * Called before every append, before any I/O. Throws (SchemaValidationError, naming the field)
   * to reject the whole append; nothing is stored. May return the events unchanged or normalised
   * (e.g. stamped with the registered schema version); the result is what gets appended.
   */
  beforeAppend(events: readonly NewEvent[], ctx: AppendContext): Promise<readonly NewEvent[]> | readonly NewEvent[];
  /** Called on every read (aggregate loads, stream reads, as-of reads): upcasts to the latest version. */
  afterRead(events: readonly StoredEvent[]): StoredEvent[];
}

/** Identity pipeline: no validation, no upcasting. */
export const identityPipeline: EventPipeline = {
  beforeAppend: (events) => events,
  afterRead: (events) => [...events],
};

/** Runs pipelines in order (validation of a later one sees the output of the earlier one). */
export function composePipelines(...pipelines: readonly EventPipeline[]): EventPipeline {
  return {
    async beforeAppend(events, ctx) {
      let out = events;
      for (const p of pipelines) out = await p.beforeAppend(out, ctx);
      return out;
    },
    afterRead(events) {
      let out: StoredEvent[] = [...events];
      for (const p of pipelines) out = p.afterRead(out);
      return out;
    },
  };
}
