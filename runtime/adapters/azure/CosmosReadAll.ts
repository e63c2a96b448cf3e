/**
 * readAll for CosmosEventStore (ADR 0071). Order: by `position` = (append time ms, stream id,
 * version), one cross-partition `SELECT TOP n ... ORDER BY c.position` over the range index on
 * /position; no shared counter item (a counter in another logical partition could not join the
 * append's transactional batch, and it would cap the whole store at one partition's throughput).
 *
 * Commit order is not position order: the writer takes the time before its batch commits, so a
 * slow commit can appear after a faster one with a later position, and a reader past that later
 * position would skip it for ever. The reader therefore hands out only events whose time is at
 * least `settleMs` older than its own clock: every batch timed before that horizon has long
 * committed (or failed), so a checkpoint never passes an event that can still appear. The tail
 * of the log is `settleMs` late; when only unsettled events lie ahead, read() waits for them
 * (at most settleMs) instead of reporting a premature end. The bound holds while writer/reader
 * clock skew plus commit latency stays under settleMs (default 2 s; Azure hosts are NTP-synced
 * and a Cosmos write commits in milliseconds). The live path does not depend on it: the change
 * feed (CosmosChangeFeedRelay.ts) delivers every created item in per-partition commit order.
 */
import type { Container } from '@azure/cosmos';
import type { Clock, ReadAllOptions, ReadAllPage, StoredEvent } from '../../ports';
import { resolveReadAllLimit } from '../local/StoreOptions';
import { fromEventItem, parsePosition, positionTs } from './cosmosEventDocs';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class CosmosReadAll {
  constructor(private readonly events: Container, private readonly clock: Clock, private readonly settleMs: number) {}

  async read(options: ReadAllOptions): Promise<ReadAllPage> {
    if (options.after !== undefined) parsePosition('after', options.after);
    const limit = resolveReadAllLimit(options);
    for (let attempt = 0; ; attempt++) {
      const horizon = this.clock.now().getTime() - this.settleMs;
      const items = await this.page(options.after, limit);
      const settled: StoredEvent[] = [];
      let unsettledTs: number | undefined;
      for (const item of items) {
        const e = fromEventItem(item);
        if (!e) continue;
        if (positionTs(e.position) > horizon) {
          unsettledTs = positionTs(e.position);
          break;
        }
        settled.push(e);
      }
      const last = settled[settled.length - 1];
      const checkpoint = last ? last.position : options.after;
      if (unsettledTs === undefined) return { events: settled, checkpoint, isEnd: items.length < limit };
      if (settled.length > 0 || attempt >= 2) return { events: settled, checkpoint, isEnd: settled.length === 0 };
      await sleep(Math.min(this.settleMs, Math.max(1, unsettledTs - horizon + 1)));
    }
  }

  private async page(after: string | undefined, limit: number): Promise<Array<Record<string, unknown>>> {
    const query = after === undefined
      ? { query: 'SELECT TOP @n * FROM c WHERE c.kind = "event" ORDER BY c.position ASC', parameters: [{ name: '@n', value: limit }] }
      : {
          query: 'SELECT TOP @n * FROM c WHERE c.kind = "event" AND c.position > @after ORDER BY c.position ASC',
          parameters: [{ name: '@n', value: limit }, { name: '@after', value: after }],
        };
    const { resources } = await this.events.items.query<Record<string, unknown>>(query, { maxItemCount: limit }).fetchAll();
    return resources;
  }
}
