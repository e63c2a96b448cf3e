/**
 * The change-feed relay (ADR 0072): an Azure Functions Cosmos DB trigger handler over the
 * `events` container (leases in the `leases` container, provisioned by providers/azure) that
 * turns changed items into StoredEvents and feeds the shared relay core (`relayBatch`).
 *
 * Why this is enough for per-stream order: the change feed delivers a partition key range's
 * changes in commit order, one batch at a time per lease, and a stream is one logical
 * partition, so a stream's appends arrive in version order; items of one append (one
 * transactional batch, one commit) are sorted by version here. Event items are immutable, so
 * "latest version" mode still shows every one of them; head items (and anything that is not an
 * event item) are ignored. Delivery is at least once: a batch whose publish failed is retried by
 * the Functions host (the trigger's retry policy; the handler throws), and a crash between
 * publish and the lease checkpoint republishes, which consumers absorb (they deduplicate by
 * event id). Cost per relayed batch: no store request at all — the feed carries the items.
 */
import type { StoredEvent } from '../../ports/events';
import { relayBatch, type RelayCoreDeps } from '../../core/relay';
import { fromEventItem } from './cosmosEventDocs';

export type CosmosChangeFeedRelayOptions = RelayCoreDeps;

export interface ChangeFeedRelayResult {
  /** Messages handed to the bus. */
  readonly published: number;
  /** Changed items that were not event items (stream heads, foreign documents). */
  readonly ignored: number;
}

/** Event items of a change-feed batch as StoredEvents, in feed order per stream and version order within an append. */
export function storedEventsOf(documents: readonly unknown[]): { events: StoredEvent[]; ignored: number } {
  const events: StoredEvent[] = [];
  let ignored = 0;
  for (const doc of documents) {
    const e = typeof doc === 'object' && doc !== null ? fromEventItem(doc as Record<string, unknown>) : undefined;
    if (e && typeof e.streamId === 'string' && Number.isInteger(e.version)) events.push(e);
    else ignored++;
  }
  // Stable: only reorders events of the same stream, and only into version order.
  const firstIndex = new Map<string, number>();
  events.forEach((e, i) => {
    if (!firstIndex.has(e.streamId)) firstIndex.set(e.streamId, i);
  });
  const byStream = new Map<string, StoredEvent[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  const ordered = [...byStream.entries()]
    .sort((a, b) => firstIndex.get(a[0])! - firstIndex.get(b[0])!)
    .flatMap(([, list]) => list.sort((a, b) => a.version - b.version));
  return { events: ordered, ignored };
}

export class CosmosChangeFeedRelay {
  constructor(private readonly options: CosmosChangeFeedRelayOptions) {}

  /**
   * The Functions handler: `app.cosmosDB('relay', { handler: (docs, ctx) => relay.handle(docs), ... })`.
   * Throws when the bus does not accept the batch, so the host retries it (never skips it).
   */
  async handle(documents: readonly unknown[]): Promise<ChangeFeedRelayResult> {
    const { events, ignored } = storedEventsOf(Array.isArray(documents) ? documents : []);
    const published = await relayBatch(events, this.options);
    return { published, ignored };
  }
}
