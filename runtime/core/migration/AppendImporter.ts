/**
 * The EventImporter every EventStore gets without adapter code: it appends the missing part of
 * a stream at its original versions (expected version = the previous one) with the store's
 * clock fixed at each event's original recordedAt (ReplayClock). Events that share a
 * recordedAt travel in one append (they were one append at the source), within the port's
 * limits. Works for any adapter that stamps recordedAt from its injected clock (all do).
 */
import { isConcurrencyError, type EventStore } from '../../ports/EventStore';
import { ImportConflictError, type EventImporter, type ImportResult } from '../../ports/EventImport';
import type { NewEvent, StoredEvent } from '../../ports/events';
import { MAX_APPEND_BYTES, MAX_EVENTS_PER_APPEND, eventSize } from '../../ports/limits';
import type { ReplayClock } from './replayClock';

/** Splits a run into appends: same recordedAt, at most the port's count and byte limits. */
export function appendBatches(events: readonly StoredEvent[]): StoredEvent[][] {
  const batches: StoredEvent[][] = [];
  let current: StoredEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = eventSize(e);
    const head = current[0];
    if (head && (head.recordedAt !== e.recordedAt || current.length >= MAX_EVENTS_PER_APPEND || bytes + size > MAX_APPEND_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const asNew = (e: StoredEvent): NewEvent => ({ eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata });

export class AppendImporter implements EventImporter {
  constructor(private readonly store: EventStore, private readonly clock: ReplayClock) {}

  async importEvents(streamId: string, events: readonly StoredEvent[]): Promise<ImportResult> {
    if (events.length === 0) return { imported: 0, skipped: 0 };
    const first = events[0]!.version;
    events.forEach((e, i) => {
      if (e.version !== first + i || e.streamId !== streamId) throw new ImportConflictError(streamId, e.version, 'an import run must be one stream with contiguous ascending versions');
    });
    const { version: have } = await this.store.streamInfo(streamId);
    if (first > have + 1) throw new ImportConflictError(streamId, first, `the target stream is at v${have}: importing v${first} would leave a gap`);
    const present = events.filter((e) => e.version <= have);
    if (present.length > 0) await this.checkPresent(streamId, present);
    const missing = events.filter((e) => e.version > have);
    for (const batch of appendBatches(missing)) {
      const expected = batch[0]!.version - 1;
      try {
        await this.clock.at(batch[0]!.recordedAt, () => this.store.append(streamId, batch.map(asNew), expected === 0 ? 'no_stream' : expected));
      } catch (err) {
        // A concurrent run of the same migration appended it first: fine if it is the same events.
        if (!isConcurrencyError(err)) throw err;
        await this.checkPresent(streamId, batch);
      }
    }
    return { imported: missing.length, skipped: present.length };
  }

  /** The target already holds these versions: they must be the same event ids. */
  private async checkPresent(streamId: string, events: readonly StoredEvent[]): Promise<void> {
    const stored = await this.store.readStream(streamId, { fromVersion: events[0]!.version, maxCount: events.length });
    events.forEach((e, i) => {
      const t = stored[i];
      if (!t || t.eventId !== e.eventId) {
        throw new ImportConflictError(streamId, e.version, `the target holds event ${t?.eventId ?? '<none>'}, the source ${e.eventId}`);
      }
    });
  }
}
