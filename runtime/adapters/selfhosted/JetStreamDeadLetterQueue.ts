/**
 * DeadLetterQueue on a JetStream stream (<P>_dlq): one message per dead letter under the subject
 * <P>.dlq.<group>.<tenant>.<ms>.<id> (ADR 0134), so the subject is the index: a stream-info call
 * with a wildcard subject filter lists the dead letters of a group and/or tenant, already in the
 * queue's order (deadLetteredAt, then id) once sorted by (ms, id); count is that list's length,
 * list reads only the page's messages (last-by-subject), purge by filter is one purge by subject.
 * Redrive republishes the original message on the group's redrive subject (read only by that
 * group's consumers), then deletes the dead letter; a missing id is a no-op, so a redrive is
 * idempotent. Dead letters stored under the layout before ADR 0134 (<P>.dlq.<group>.<id>) are
 * moved to the current one before every operation (a filter that matches nothing once done).
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { BusMessage, DeadLetter, DeadLetterFilter, DeadLetterListOptions, DeadLetterQueue } from '../../ports/EventBus';
import { compareCheckpointNames } from '../../ports/CheckpointStore';
import { normalizeDeadLetterFilter, normalizeDeadLetterQuery, normalizePurgeTarget, tenantOfMessage } from '../../ports/deadLetters';
import type { JetStreamNames } from './jetstream/names';

interface Entry {
  readonly subject: string;
  readonly group: string;
  readonly ms: number;
  readonly id: string;
}

/** The queue's order from subjects: the time as a number, then the id in code point order (as compareDeadLetters). */
const inOrder = (a: Pick<Entry, 'ms' | 'id'>, b: Pick<Entry, 'ms' | 'id'>): number => a.ms - b.ms || compareCheckpointNames(a.id, b.id);

export class JetStreamDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, private readonly names: JetStreamNames) {}

  /** Stores a dead letter durably (awaits the stream's ack). */
  async add(group: string, message: BusMessage, attempts: number, error: string): Promise<DeadLetter> {
    const dl: DeadLetter = { id: randomUUID(), group, message, attempts, error, deadLetteredAt: new Date().toISOString() };
    await this.store(dl, `dlq-${group}-${message.id}`);
    return dl;
  }

  async list(options?: DeadLetterListOptions): Promise<DeadLetter[]> {
    const q = normalizeDeadLetterQuery(options);
    const after = q.after && { ms: Date.parse(q.after.deadLetteredAt), id: q.after.id };
    const page = (await this.entries(q)).filter((e) => !after || inOrder(e, after) > 0).sort(inOrder).slice(0, q.limit);
    const out: DeadLetter[] = [];
    for (const e of page) {
      const r = await this.read(e.subject);
      if (r) out.push(r);
    }
    return out;
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const entry = (await this.entries({})).find((e) => e.id === id);
    return entry && this.read(entry.subject);
  }

  async redrive(ids: readonly string[]): Promise<number> {
    let n = 0;
    const byId = new Map((await this.entries({})).map((e) => [e.id, e]));
    for (const id of ids) {
      const entry = byId.get(id);
      const dl = entry && (await this.read(entry.subject));
      if (!entry || !dl) continue;
      const m = dl.message;
      await this.js.publish(this.names.redriveSubject(dl.group, m.path, m.partitionKey), JSON.stringify(m), { msgID: `redrive-${id}` });
      await this.jsm.streams.purge(this.names.dlqStream, { filter: entry.subject });
      byId.delete(id);
      n += 1;
    }
    return n;
  }

  async purge(target?: readonly string[] | DeadLetterFilter): Promise<number> {
    const t = normalizePurgeTarget(target);
    if ('filter' in t) {
      await this.moveLegacy();
      return (await this.jsm.streams.purge(this.names.dlqStream, { filter: this.names.dlqFilter(t.filter) })).purged;
    }
    let n = 0;
    const byId = new Map((await this.entries({})).map((e) => [e.id, e]));
    for (const id of t.ids) {
      const entry = byId.get(id);
      if (entry) n += (await this.jsm.streams.purge(this.names.dlqStream, { filter: entry.subject })).purged;
      byId.delete(id);
    }
    return n;
  }

  async count(filter?: DeadLetterFilter | string): Promise<number> {
    return (await this.entries(normalizeDeadLetterFilter(filter))).length;
  }

  async countByGroup(filter?: Pick<DeadLetterFilter, 'tenant'>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const e of await this.entries(normalizeDeadLetterFilter({ tenant: filter?.tenant }))) out.set(e.group, (out.get(e.group) ?? 0) + 1);
    return out;
  }

  private async store(dl: DeadLetter, msgID: string): Promise<void> {
    await this.js.publish(this.names.dlqSubject(dl.group, tenantOfMessage(dl.message), dl.deadLetteredAt, dl.id), JSON.stringify(dl), { msgID });
  }

  /** The dead letters matching a filter, from their subjects alone (one stream-info call, paged by the client). */
  private async entries(filter: DeadLetterFilter): Promise<Entry[]> {
    await this.moveLegacy();
    return Object.keys(await this.subjects(this.names.dlqFilter(filter))).flatMap((subject) => {
      const parsed = this.names.parseDlqSubject(subject);
      return parsed ? [{ subject, ...parsed }] : [];
    });
  }

  private async subjects(filter: string): Promise<Record<string, number>> {
    const info = await this.jsm.streams.info(this.names.dlqStream, { subjects_filter: filter });
    return info.state.subjects ?? {};
  }

  private async read(subject: string): Promise<DeadLetter | undefined> {
    const m = await this.jsm.streams.getMessage(this.names.dlqStream, { last_by_subj: subject }).catch(() => null);
    return m ? m.json<DeadLetter>() : undefined;
  }

  /**
   * Moves dead letters of the layout before ADR 0134 to their current subject (same id, same
   * time). Safe to run concurrently: the copy is deduplicated by message id within the stream's
   * duplicate window, and a purge of a subject already purged purges nothing.
   */
  private async moveLegacy(): Promise<void> {
    for (const subject of Object.keys(await this.subjects(this.names.legacyDlqFilter))) {
      const dl = await this.read(subject);
      if (dl) await this.store(dl, `dlq-move-${dl.id}`);
      await this.jsm.streams.purge(this.names.dlqStream, { filter: subject });
    }
  }
}
