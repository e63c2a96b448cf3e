/**
 * A read-only view of an EventStore for projections and query handlers: reads pass through,
 * append throws ArchitectureViolationError (rule read-side-is-read-only), and close is a no-op
 * because the view does not own the store it wraps.
 */
import type { AppendResult, EventStore, ReadAllOptions, ReadAllPage, ReadStreamOptions, StreamInfo } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import { ARCHITECTURE_RULES, ArchitectureViolationError } from './errors';

const READ_ONLY = Symbol.for('nexus.readOnlyEventStore');

export function isReadOnlyEventStore(store: EventStore): boolean {
  return (store as unknown as Record<symbol, unknown>)[READ_ONLY] === true;
}

/** Wraps `store` (idempotent: a read-only view is returned as is). `holder` names the reader in errors. */
export function readOnlyEventStore(store: EventStore, holder = 'a projection or query handler'): EventStore {
  if (isReadOnlyEventStore(store)) return store;
  const view: EventStore & { readonly [READ_ONLY]: true } = {
    [READ_ONLY]: true,
    append(streamId: string): Promise<AppendResult> {
      return Promise.reject(new ArchitectureViolationError(
        ARCHITECTURE_RULES.readSideReadOnly,
        `${holder} tried to append to stream ${streamId}; the read side gets a read-only view of the event store (issue a command instead)`,
      ));
    },
    readStream: (streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> => store.readStream(streamId, options),
    readAll: (options?: ReadAllOptions): Promise<ReadAllPage> => store.readAll(options),
    streamInfo: (streamId: string): Promise<StreamInfo> => store.streamInfo(streamId),
    close: async (): Promise<void> => undefined,
  };
  return Object.freeze(view);
}
