/** BusStorage in process memory (InMemoryEventBus): deliveries per group in publish order. */
import type { BusMessage, BusPath, DeadLetter, DeadLetterFilter } from '../../../ports/EventBus';
import { countByGroupOf, matchesDeadLetterFilter, pageOf, purgeSelects, type NormalizedDeadLetterQuery, type PurgeTarget } from '../../../ports/deadLetters';
import type { BusStorage, ClaimedDelivery, ClaimRequest } from './BusStorage';
import { deadLetterId } from './BusStorage';

interface Row {
  readonly seq: number;
  readonly message: BusMessage;
  attempts: number;
  inflight: boolean;
  availableAt: number;
  leaseUntil: number;
}

interface Group {
  readonly path: BusPath;
  /** Unsettled deliveries; Map keeps insertion (= seq) order. */
  readonly rows: Map<number, Row>;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class MemoryBusStorage implements BusStorage {
  private seq = 0;
  private readonly groups = new Map<string, Group>();
  private readonly dead = new Map<string, DeadLetter>();

  registerGroup(group: string, path: BusPath): void {
    const existing = this.groups.get(group);
    if (!existing) this.groups.set(group, { path, rows: new Map() });
  }

  append(messages: readonly BusMessage[], nowMs: number): void {
    for (const m of messages) {
      const seq = ++this.seq;
      for (const g of this.groups.values()) {
        if (g.path === m.path) g.rows.set(seq, { seq, message: clone(m), attempts: 0, inflight: false, availableAt: nowMs, leaseUntil: 0 });
      }
    }
  }

  claim(r: ClaimRequest): ClaimedDelivery[] {
    const g = this.groups.get(r.group);
    if (!g) return [];
    const out: ClaimedDelivery[] = [];
    const blocked = new Set<string>();
    for (const row of g.rows.values()) {
      if (out.length >= r.limit) break;
      const key = row.message.partitionKey;
      if (r.ordered && blocked.has(key)) continue;
      const claimable = row.inflight ? row.leaseUntil <= r.nowMs : row.availableAt <= r.nowMs;
      if (!claimable) {
        blocked.add(key);
        continue;
      }
      row.inflight = true;
      row.attempts++;
      row.leaseUntil = r.leaseUntilMs;
      out.push({ seq: row.seq, message: clone(row.message), attempt: row.attempts });
    }
    return out;
  }

  ack(group: string, seq: number): void {
    this.groups.get(group)?.rows.delete(seq);
  }

  release(group: string, seq: number): void {
    const row = this.groups.get(group)?.rows.get(seq);
    if (!row) return;
    row.inflight = false;
    row.attempts = Math.max(0, row.attempts - 1);
  }

  retryLater(group: string, seq: number, availableAtMs: number): void {
    const row = this.groups.get(group)?.rows.get(seq);
    if (!row) return;
    row.inflight = false;
    row.availableAt = availableAtMs;
  }

  deadLetter(group: string, seq: number, attempts: number, error: string, atIso: string): void {
    const g = this.groups.get(group);
    const row = g?.rows.get(seq);
    if (!g || !row) return;
    g.rows.delete(seq);
    const id = deadLetterId(group, row.message.id);
    this.dead.delete(id);
    this.dead.set(id, { id, group, message: row.message, attempts, error, deadLetteredAt: atIso });
  }

  nextAvailableAt(group: string): number | undefined {
    let next: number | undefined;
    for (const row of this.groups.get(group)?.rows.values() ?? []) {
      const at = row.inflight ? row.leaseUntil : row.availableAt;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** A scan of the process's dead letters: no index to use, and none needed at local-dev sizes. */
  listDeadLetters(query: NormalizedDeadLetterQuery): DeadLetter[] {
    return pageOf(this.dead.values(), query).map(clone);
  }

  getDeadLetter(id: string): DeadLetter | undefined {
    const d = this.dead.get(id);
    return d && clone(d);
  }

  redrive(ids: readonly string[], nowMs: number): number {
    let n = 0;
    for (const id of ids) {
      const d = this.dead.get(id);
      if (!d) continue;
      this.dead.delete(id);
      this.registerGroup(d.group, d.message.path);
      const seq = ++this.seq;
      this.groups.get(d.group)!.rows.set(seq, { seq, message: d.message, attempts: 0, inflight: false, availableAt: nowMs, leaseUntil: 0 });
      n++;
    }
    return n;
  }

  purge(target: PurgeTarget): number {
    if ('ids' in target) return target.ids.filter((id) => this.dead.delete(id)).length;
    const gone = [...this.dead.values()].filter(purgeSelects(target));
    for (const d of gone) this.dead.delete(d.id);
    return gone.length;
  }

  countDeadLetters(filter: DeadLetterFilter): number {
    return [...this.dead.values()].filter((d) => matchesDeadLetterFilter(d, filter)).length;
  }

  countDeadLettersByGroup(filter: DeadLetterFilter): Map<string, number> {
    return countByGroupOf(this.dead.values(), filter);
  }

  close(): void {
    // nothing to release: the messages live and die with the process
  }
}
