/**
 * The Firestore-trigger relay (ADR 0063): a Cloud Run / Eventarc handler that turns
 * `document.created` events of the event collection into StoredEvents and feeds the shared
 * relay core (`relayBatch`). Eventarc delivers at least once and in no particular order, while
 * the bus promises per-stream order, so each stream keeps a relay checkpoint (its last
 * published version, compare-and-set in the CheckpointStore):
 *  - an event at or below the checkpoint is a duplicate delivery and is skipped;
 *  - an event above it publishes every version from checkpoint+1 up to it, in order, reading
 *    from the store any version whose own trigger has not arrived yet;
 *  - a lost compare-and-set means another instance published concurrently: the duplicates it
 *    caused are absorbed by consumers (they deduplicate by event id), order of first
 *    deliveries per stream is kept because each publisher goes up the versions in order.
 * Cost per relayed event: 1 checkpoint read + 1 compare-and-set transaction (1 read, 1 write).
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import { isCheckpointConflictError } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import { relayBatch, type RelayCoreDeps } from '../../core/relay';
import { fromEventDoc } from './firestoreEventDocs';
import { createdDocument, plainFields, type FirestoreCloudEvent, type TriggerDocument } from './firestoreDocumentEvents';

export interface FirestoreTriggerRelayOptions extends RelayCoreDeps {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  /** The events collection, `<collectionPrefix>events` (documents elsewhere are ignored). */
  readonly eventsCollection: string;
  /** Checkpoint name prefix; default "relay:stream:". */
  readonly checkpointPrefix?: string;
}

export interface TriggerRelayResult {
  /** Messages handed to the bus (including gap fills read from the store). */
  readonly published: number;
  /** Trigger events already covered by a stream's checkpoint (duplicate deliveries). */
  readonly duplicates: number;
  /** CloudEvents that were not document creations in the events collection. */
  readonly ignored: number;
}

/** The StoredEvent in a created event document, or undefined for a document of another collection. */
export function storedEventOf(doc: TriggerDocument, eventsCollection: string): StoredEvent | undefined {
  const parts = doc.name.split('/documents/')[1]?.split('/');
  if (!parts || parts.length !== 2 || parts[0] !== eventsCollection) return undefined;
  return fromEventDoc(plainFields(doc.fields));
}

export class FirestoreTriggerRelay {
  private readonly prefix: string;

  constructor(private readonly options: FirestoreTriggerRelayOptions) {
    this.prefix = options.checkpointPrefix ?? 'relay:stream:';
  }

  /** Handles one CloudEvent or a batch (e.g. the body of one Eventarc request). Throws to make Eventarc retry. */
  async handle(input: FirestoreCloudEvent | readonly FirestoreCloudEvent[]): Promise<TriggerRelayResult> {
    const events = Array.isArray(input) ? (input as readonly FirestoreCloudEvent[]) : [input as FirestoreCloudEvent];
    const byStream = new Map<string, StoredEvent[]>();
    let ignored = 0;
    for (const ce of events) {
      const doc = createdDocument(ce);
      const stored = doc && storedEventOf(doc, this.options.eventsCollection);
      if (!stored) {
        ignored++;
        continue;
      }
      byStream.set(stored.streamId, [...(byStream.get(stored.streamId) ?? []), stored]);
    }
    let published = 0;
    let duplicates = 0;
    for (const [streamId, list] of byStream) {
      const r = await this.relayStream(streamId, list);
      published += r.published;
      duplicates += r.duplicates;
    }
    return { published, duplicates, ignored };
  }

  private async relayStream(streamId: string, triggered: readonly StoredEvent[]): Promise<{ published: number; duplicates: number }> {
    const name = `${this.prefix}${streamId}`;
    const top = Math.max(...triggered.map((e) => e.version));
    let published = 0;
    for (;;) {
      const current = await this.options.checkpoints.get(name);
      const last = current === undefined ? 0 : Number(current);
      if (top <= last) return { published, duplicates: triggered.length };
      const have = new Map(triggered.map((e) => [e.version, e]));
      const wanted = Array.from({ length: top - last }, (_, i) => last + 1 + i);
      const batch = wanted.every((v) => have.has(v))
        ? wanted.map((v) => have.get(v)!)
        : await this.options.store.readStream(streamId, { fromVersion: last + 1, asOfVersion: top });
      published += await relayBatch(batch, this.options);
      try {
        await this.options.checkpoints.set(name, String(top), { current });
        return { published, duplicates: triggered.filter((e) => e.version <= last).length };
      } catch (err) {
        if (!isCheckpointConflictError(err)) throw err;
        // Another instance moved the checkpoint meanwhile: look again (it may already cover `top`).
      }
    }
  }
}
