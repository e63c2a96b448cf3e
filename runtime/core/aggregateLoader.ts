/**
 * Loads an aggregate's state: the latest snapshot of the decider's current state shape (if any)
 * plus the events after it, every event passing the pipeline's afterRead (upcasting) first.
 * Also serves temporal loads (as of a version or a time) for the query side.
 */
import type { EventStore } from '../ports/EventStore';
import type { SnapshotStore } from '../ports/SnapshotStore';
import type { StoredEvent } from '../ports/events';
import { fold, type Decider, type DomainCommand, type DomainEvent } from './aggregate';
import { identityPipeline, type EventPipeline } from './pipeline';
import { instruments, msSince } from './observability';

export interface LoaderDeps {
  readonly eventStore: EventStore;
  readonly snapshots?: SnapshotStore;
  readonly pipeline?: EventPipeline;
}

export interface LoadedAggregate<S> {
  readonly state: S;
  /** Stream version the state includes (0: the stream does not exist). */
  readonly version: number;
  /** Version of the snapshot the load started from (0: none). */
  readonly snapshotVersion: number;
  /** The events folded on top of the snapshot (after upcasting). */
  readonly tail: readonly StoredEvent[];
}

export interface LoadOptions {
  /** The state as of this stream version. */
  readonly asOfVersion?: number;
  /** The state as of this time (events recorded at or before it). */
  readonly asOf?: string | Date;
}

export function toDomainEvent<E extends DomainEvent>(e: StoredEvent): E {
  return { type: e.type, data: e.data } as unknown as E;
}

export async function loadAggregate<C extends DomainCommand, E extends DomainEvent, S>(
  deps: LoaderDeps,
  decider: Decider<C, E, S>,
  streamId: string,
  options: LoadOptions = {},
): Promise<LoadedAggregate<S>> {
  const pipeline = deps.pipeline ?? identityPipeline;
  // A time bound says nothing about versions before reading, so as-of-time loads fold from the start.
  const snapshot = options.asOf === undefined && deps.snapshots
    ? await deps.snapshots.load(streamId, { stateVersion: decider.stateVersion, maxVersion: options.asOfVersion })
    : undefined;
  // Belt and braces: never fold onto a snapshot of another state shape, whatever the store did.
  const usable = snapshot && snapshot.stateVersion === decider.stateVersion ? snapshot : undefined;
  const ageMs = usable ? msSince(usable.takenAt) : undefined;
  if (ageMs !== undefined) instruments().snapshotAge.record(ageMs / 1000, { aggregate: decider.aggregateType });
  const from = usable ? usable.version + 1 : 1;
  const raw = await deps.eventStore.readStream(streamId, { fromVersion: from, asOfVersion: options.asOfVersion, asOf: options.asOf });
  const tail = pipeline.afterRead(raw);
  const base = usable ? (usable.state as S) : decider.initialState;
  const state = fold(decider, base, tail.map((e) => toDomainEvent<E>(e)));
  const last = tail[tail.length - 1];
  return { state, version: last ? last.version : (usable?.version ?? 0), snapshotVersion: usable?.version ?? 0, tail };
}
