/**
 * readAll for FirestoreEventStore (ADR 0061). Order: by `position` = (append time ms, stream id,
 * version), one single-field index, no shared counter document.
 *
 * Commit order is not position order: the time is taken by the writer before its batch
 * commits, so a slow commit can become visible after a faster one with a later position. A
 * reader that passed that later position would skip it for ever. The reader therefore only
 * hands out events whose time is at least `settleMs` older than the query's read time (the
 * server's consistent snapshot time): every batch whose time precedes that horizon has long
 * committed, so a checkpoint never passes an event that can still appear. The tail of the log
 * is `settleMs` late; when events exist beyond the horizon, read() waits for them to settle
 * (at most settleMs) instead of reporting a premature end. The bound holds while writer clock
 * skew plus commit latency stays under settleMs (default 2 s; Google-synchronised clocks and
 * Firestore commits are far below it). The live relay path does not depend on it: the
 * Firestore trigger delivers each created document (FirestoreTriggerRelay.ts).
 */
import type { CollectionReference, QuerySnapshot } from '@google-cloud/firestore';
import type { ReadAllOptions, ReadAllPage, StoredEvent } from '../../ports';
import { resolveReadAllLimit } from '../local/StoreOptions';
import { fromEventDoc, parsePosition, positionTs } from './firestoreEventDocs';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class FirestoreReadAll {
  constructor(private readonly events: CollectionReference, private readonly settleMs: number) {}

  async read(options: ReadAllOptions): Promise<ReadAllPage> {
    if (options.after !== undefined) parsePosition('after', options.after);
    const limit = resolveReadAllLimit(options);
    for (let attempt = 0; ; attempt++) {
      let q = this.events.orderBy('position');
      if (options.after !== undefined) q = q.startAfter(options.after);
      const snap: QuerySnapshot = await q.limit(limit).get();
      const horizon = snap.readTime.toMillis() - this.settleMs;
      const settled: StoredEvent[] = [];
      let unsettledTs: number | undefined;
      for (const doc of snap.docs) {
        const position = doc.get('position') as string;
        if (positionTs(position) > horizon) {
          unsettledTs = positionTs(position);
          break;
        }
        settled.push(fromEventDoc(doc.data()));
      }
      if (unsettledTs === undefined) {
        const last = settled[settled.length - 1];
        return { events: settled, checkpoint: last ? last.position : options.after, isEnd: snap.docs.length < limit };
      }
      if (settled.length > 0 || attempt >= 2) {
        const last = settled[settled.length - 1];
        return { events: settled, checkpoint: last ? last.position : options.after, isEnd: settled.length === 0 };
      }
      // Only unsettled events ahead: wait until the first of them passes the horizon.
      await sleep(Math.min(this.settleMs, Math.max(1, unsettledTs - horizon + 1)));
    }
  }
}
