/**
 * DeadLetterQueue on a JetStream stream (<P>_dlq): one message per dead letter under the subject
 * <P>.dlq.<group>.<id>, so count/list are a stream-info call with a subject filter, get is a
 * last-by-subject lookup, and purge is a purge by subject. Redrive republishes the original
 * message on the group's redrive subject (read only by that group's consumers), then deletes the
 * dead letter; a missing id is a no-op, so a redrive is idempotent.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { BusMessage, DeadLetter, DeadLetterQueue } from '../../ports/EventBus';
import type { JetStreamNames } from './jetstream/names';

export class JetStreamDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, private readonly names: JetStreamNames) {}

  /** Stores a dead letter durably (awaits the stream's ack). */
  async add(group: string, message: BusMessage, attempts: number, error: string): Promise<DeadLetter> {
    const dl: DeadLetter = { id: randomUUID(), group, message, attempts, error, deadLetteredAt: new Date().toISOString() };
    await this.js.publish(this.names.dlqSubject(group, dl.id), JSON.stringify(dl), { msgID: `dlq-${group}-${message.id}` });
    return dl;
  }

  private async subjects(group?: string): Promise<string[]> {
    const info = await this.jsm.streams.info(this.names.dlqStream, { subjects_filter: this.names.dlqFilter(group) });
    return Object.keys(info.state.subjects ?? {});
  }

  private async read(subject: string): Promise<{ dl: DeadLetter; seq: number } | undefined> {
    const m = await this.jsm.streams.getMessage(this.names.dlqStream, { last_by_subj: subject }).catch(() => null);
    return m ? { dl: m.json<DeadLetter>(), seq: m.seq } : undefined;
  }

  async list(options: { group?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const out: Array<{ dl: DeadLetter; seq: number }> = [];
    for (const subject of await this.subjects(options.group)) {
      const r = await this.read(subject);
      if (r) out.push(r);
    }
    out.sort((a, b) => a.seq - b.seq);
    return out.slice(0, options.limit ?? 100).map((r) => r.dl);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const subject = (await this.subjects()).find((s) => s.endsWith(`.${id}`));
    return subject ? (await this.read(subject))?.dl : undefined;
  }

  async redrive(ids: readonly string[]): Promise<number> {
    let n = 0;
    const subjects = await this.subjects();
    for (const id of ids) {
      const subject = subjects.find((s) => s.endsWith(`.${id}`));
      const r = subject ? await this.read(subject) : undefined;
      if (!r || !subject) continue;
      const m = r.dl.message;
      await this.js.publish(this.names.redriveSubject(r.dl.group, m.path, m.partitionKey), JSON.stringify(m), { msgID: `redrive-${id}` });
      await this.jsm.streams.purge(this.names.dlqStream, { filter: subject });
      n += 1;
    }
    return n;
  }

  async purge(ids?: readonly string[]): Promise<number> {
    if (ids === undefined) return (await this.jsm.streams.purge(this.names.dlqStream, { filter: this.names.dlqFilter() })).purged;
    let n = 0;
    const subjects = await this.subjects();
    for (const id of ids) {
      const subject = subjects.find((s) => s.endsWith(`.${id}`));
      if (subject) n += (await this.jsm.streams.purge(this.names.dlqStream, { filter: subject })).purged;
    }
    return n;
  }

  async count(group?: string): Promise<number> {
    const info = await this.jsm.streams.info(this.names.dlqStream, { subjects_filter: this.names.dlqFilter(group) });
    return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  }
}
