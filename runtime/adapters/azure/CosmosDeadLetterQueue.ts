/**
 * Dead letters of the Event Hubs bus in the Cosmos `deadletters` container (ADR 0121, 0073):
 * partition key `/group`, one item per (group, message) with a deterministic id
 * `<group>|<message id>` (both URI-encoded), written with an upsert so a consumer that crashes
 * between the write and its checkpoint writes the same item again, never a second one.
 * `redrive` hands the stored message back to the bus (the adapter republishes it to its hub,
 * marked for the original group only) and then deletes the item; a missing id is a no-op.
 * Each item carries its tenant (the envelope's extension) as a top-level `tenant` field, which
 * the container indexes (the message itself is unindexed), so tenant and group filters run in
 * the query (ADR 0134); items written before that field existed are tagged on the first
 * tenant-filtered call. Order is deadLetteredAt, then id: the query sorts by deadLetteredAt (one
 * property: no composite index needed) and ties at a page edge are completed and ordered here.
 */
import type { Container, FeedOptions, SqlParameter } from '@azure/cosmos';
import type { BusMessage, DeadLetter, DeadLetterFilter, DeadLetterListOptions, DeadLetterQueue } from '../../ports/EventBus';
import {
  compareDeadLetters, normalizeDeadLetterFilter, normalizeDeadLetterQuery, normalizePurgeTarget, tenantOfMessage,
} from '../../ports/deadLetters';
import { CosmosStatus, cosmosCall, isCosmosStatus, readOrUndefined, translateCosmos } from './cosmosErrors';

export interface CosmosDeadLetterQueueOptions {
  readonly container: Container;
  /** Re-delivers a dead letter's message to its group only. */
  readonly redeliver: (letter: DeadLetter) => Promise<void>;
}

interface DeadLetterItem extends DeadLetter {
  readonly id: string;
  /** The envelope's tenant, null when it has none; absent on items written before ADR 0134. */
  readonly tenant?: string | null;
  readonly _etag?: string;
}

interface Where {
  readonly sql: string;
  readonly parameters: SqlParameter[];
  readonly options: FeedOptions;
}

/** A filter as a WHERE clause (group is the partition key: such a query stays in one partition). */
function where(f: DeadLetterFilter, extra?: { clause: string; parameters?: SqlParameter[] }): Where {
  const parts: string[] = [];
  const parameters: SqlParameter[] = [];
  if (f.group !== undefined) {
    parts.push('c["group"] = @group');
    parameters.push({ name: '@group', value: f.group });
  }
  if (f.tenant !== undefined) {
    parts.push('c.tenant = @tenant');
    parameters.push({ name: '@tenant', value: f.tenant });
  }
  if (extra) {
    parts.push(extra.clause);
    parameters.push(...(extra.parameters ?? []));
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', parameters, options: f.group !== undefined ? { partitionKey: f.group } : {} };
}

const SERVICE = 'Cosmos DB deadletters container';

export const deadLetterId = (group: string, messageId: string): string => `${encodeURIComponent(group)}|${encodeURIComponent(messageId)}`;

function groupOf(id: string): string | undefined {
  const bar = typeof id === 'string' ? id.indexOf('|') : -1;
  if (bar <= 0) return undefined;
  try {
    return decodeURIComponent(id.slice(0, bar));
  } catch {
    return undefined;
  }
}

const atTime = (op: '=' | '>', at: string): { clause: string; parameters: SqlParameter[] } =>
  ({ clause: `c.deadLetteredAt ${op} @at`, parameters: [{ name: '@at', value: at }] });

const toDeadLetter = (item: DeadLetterItem): DeadLetter => ({
  id: item.id, group: item.group, message: item.message, attempts: item.attempts, error: item.error, deadLetteredAt: item.deadLetteredAt,
});

export class CosmosDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly options: CosmosDeadLetterQueueOptions) {}

  /** Stores (or overwrites) the dead letter of `message` for `group`. */
  async put(group: string, message: BusMessage, attempts: number, error: string, at: Date): Promise<DeadLetter> {
    const item: DeadLetterItem = {
      id: deadLetterId(group, message.id), group, message, attempts, error: error.slice(0, 4000), deadLetteredAt: at.toISOString(), tenant: tenantOfMessage(message) ?? null,
    };
    await cosmosCall(SERVICE, () => this.options.container.items.upsert(item));
    return toDeadLetter(item);
  }

  async list(options?: DeadLetterListOptions): Promise<DeadLetter[]> {
    const q = normalizeDeadLetterQuery(options);
    await this.tagUntenanted(q);
    const after = q.after;
    // Dead letters at exactly the cursor's time that come after it by id (usually none).
    const tiedWithCursor = after ? (await this.items(where(q, atTime('=', after.deadLetteredAt))))
      .filter((d) => compareDeadLetters(d, after) > 0) : [];
    const later = after ? where(q, atTime('>', after.deadLetteredAt)) : where(q);
    let page = await this.items(later, `SELECT TOP ${q.limit} * FROM c ${later.sql} ORDER BY c.deadLetteredAt`);
    const last = page[page.length - 1];
    if (page.length === q.limit && last) {
      // The page may end inside a run of equal times, cut in no particular order: take the whole run.
      const run = await this.items(where(q, atTime('=', last.deadLetteredAt)));
      page = [...page.filter((d) => d.deadLetteredAt !== last.deadLetteredAt), ...run];
    }
    return [...tiedWithCursor, ...page].sort(compareDeadLetters).slice(0, q.limit).map(toDeadLetter);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const group = groupOf(id);
    if (group === undefined) return undefined;
    const found = await readOrUndefined<DeadLetterItem>(SERVICE, () => this.options.container.item(id, group).read<DeadLetterItem>());
    return found ? toDeadLetter(found.resource) : undefined;
  }

  async redrive(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const letter = await this.get(id);
      if (!letter) continue;
      await this.options.redeliver(letter);
      if (await this.remove(letter.id, letter.group)) n++;
    }
    return n;
  }

  async purge(target?: readonly string[] | DeadLetterFilter): Promise<number> {
    const t = normalizePurgeTarget(target);
    let targets: Array<{ id: string; group: string | undefined }>;
    if ('ids' in t) targets = t.ids.map((id) => ({ id, group: groupOf(id) }));
    else {
      await this.tagUntenanted(t.filter);
      const w = where(t.filter);
      targets = await this.items<{ id: string; group: string }>(w, `SELECT c.id, c["group"] FROM c ${w.sql}`);
    }
    let n = 0;
    for (const x of targets) if (x.group !== undefined && (await this.remove(x.id, x.group))) n++;
    return n;
  }

  async count(filter?: DeadLetterFilter | string): Promise<number> {
    const f = normalizeDeadLetterFilter(filter);
    await this.tagUntenanted(f);
    const w = where(f);
    return (await this.items<number>(w, `SELECT VALUE COUNT(1) FROM c ${w.sql}`)).reduce((a, b) => a + b, 0);
  }

  async countByGroup(filter?: Pick<DeadLetterFilter, 'tenant'>): Promise<Map<string, number>> {
    const f = normalizeDeadLetterFilter({ tenant: filter?.tenant });
    await this.tagUntenanted(f);
    const w = where(f);
    // One small field per dead letter, counted here: cosmosdb-server, the only server these
    // tests can reach, parses neither GROUP BY nor DISTINCT, and an unproven query is worse.
    const out = new Map<string, number>();
    for (const group of await this.items<string>(w, `SELECT VALUE c["group"] FROM c ${w.sql}`)) out.set(group, (out.get(group) ?? 0) + 1);
    return out;
  }

  private async items<T = DeadLetterItem>(w: Where, sql = `SELECT * FROM c ${w.sql}`): Promise<T[]> {
    const { resources } = await cosmosCall(SERVICE, () => this.options.container.items.query<T>({ query: sql, parameters: w.parameters }, w.options).fetchAll());
    return resources;
  }

  /**
   * Items written before ADR 0134 have no `tenant` field, so a tenant filter would miss them:
   * before such a query, give them theirs (from the stored envelope). An index lookup that finds
   * nothing once they are done; IfMatch, so a dead letter rewritten meanwhile is left alone.
   */
  private async tagUntenanted(f: DeadLetterFilter): Promise<void> {
    if (f.tenant === undefined) return;
    const w = where({ group: f.group }, { clause: 'NOT IS_DEFINED(c.tenant)' });
    for (const item of await this.items(w)) {
      const tagged: DeadLetterItem = { ...toDeadLetter(item), id: item.id, tenant: tenantOfMessage(item.message) ?? null };
      try {
        await this.options.container.item(item.id, item.group).replace(tagged, item._etag ? { accessCondition: { type: 'IfMatch', condition: item._etag } } : {});
      } catch (err) {
        if (!isCosmosStatus(err, CosmosStatus.NotFound) && !isCosmosStatus(err, CosmosStatus.PreconditionFailed)) throw translateCosmos(SERVICE, err);
      }
    }
  }

  private async remove(id: string, group: string): Promise<boolean> {
    try {
      await this.options.container.item(id, group).delete();
      return true;
    } catch (err) {
      if (isCosmosStatus(err, CosmosStatus.NotFound)) return false;
      throw translateCosmos(SERVICE, err);
    }
  }
}
