/**
 * BusStorage in a SQLite file (SqliteEventBus): messages, per-group deliveries and dead letters
 * survive restarts. A claim is one IMMEDIATE transaction, so two processes sharing the file
 * never claim the same delivery; on the core path a delivery is claimable only when no older
 * delivery with its partition key is unsettled in the group (per-stream order).
 */
import Database from 'better-sqlite3';
import type { BusMessage, BusPath, DeadLetter } from '../../../ports/EventBus';
import { UnavailableError } from '../../../ports/errors';
import type { BusStorage, ClaimedDelivery, ClaimRequest } from './BusStorage';
import { deadLetterId } from './BusStorage';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bus_groups (grp TEXT PRIMARY KEY, path TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bus_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, partition_key TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bus_deliveries (
  grp TEXT NOT NULL, seq INTEGER NOT NULL, partition_key TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  state INTEGER NOT NULL DEFAULT 0, available_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (grp, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bus_deliveries_partition ON bus_deliveries (grp, partition_key, seq);
CREATE TABLE IF NOT EXISTS bus_dead_letters (
  id TEXT PRIMARY KEY, grp TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT NOT NULL, dead_lettered_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bus_dead_letters_group ON bus_dead_letters (grp, dead_lettered_at);
`;

interface ClaimRow { seq: number; attempts: number; body: string }
interface DeadRow { id: string; grp: string; body: string; attempts: number; error: string; dead_lettered_at: string }

const toDeadLetter = (r: DeadRow): DeadLetter => ({
  id: r.id, group: r.grp, message: JSON.parse(r.body) as BusMessage, attempts: r.attempts, error: r.error, deadLetteredAt: r.dead_lettered_at,
});

/** SQLITE_BUSY / LOCKED are contention, not bugs: surface them as the port's retryable error. */
function translate<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new UnavailableError('sqlite event bus', `${what}: ${code}`, { cause: err });
    throw err;
  }
}

export class SqliteBusStorage implements BusStorage {
  private readonly db: Database.Database;
  private readonly stmts;
  private acksSincePrune = 0;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (the local stack's failure model); FULL would add an fsync per claim and ack.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const claimable = (t: string): string => `((${t}.state = 0 AND ${t}.available_at <= @now) OR (${t}.state = 1 AND ${t}.lease_until <= @now))`;
    const claimSql = (ordered: boolean): string => `
      SELECT d.seq AS seq, d.attempts AS attempts, m.body AS body FROM bus_deliveries d JOIN bus_messages m ON m.seq = d.seq
      WHERE d.grp = @grp AND ${claimable('d')}
      ${ordered ? `AND NOT EXISTS (SELECT 1 FROM bus_deliveries e WHERE e.grp = d.grp AND e.partition_key = d.partition_key AND e.seq < d.seq AND NOT ${claimable('e')})` : ''}
      ORDER BY d.seq LIMIT @limit`;
    const db = this.db;
    this.stmts = {
      registerGroup: db.prepare('INSERT OR IGNORE INTO bus_groups (grp, path, created_at) VALUES (?, ?, ?)'),
      groupsOfPath: db.prepare<[string], { grp: string }>('SELECT grp FROM bus_groups WHERE path = ?'),
      insertMessage: db.prepare('INSERT INTO bus_messages (id, partition_key, path, body) VALUES (?, ?, ?, ?)'),
      insertDelivery: db.prepare('INSERT INTO bus_deliveries (grp, seq, partition_key, available_at) VALUES (?, ?, ?, ?)'),
      claimOrdered: db.prepare<{ grp: string; now: number; limit: number }, ClaimRow>(claimSql(true)),
      claimUnordered: db.prepare<{ grp: string; now: number; limit: number }, ClaimRow>(claimSql(false)),
      markClaimed: db.prepare('UPDATE bus_deliveries SET state = 1, attempts = attempts + 1, lease_until = ? WHERE grp = ? AND seq = ?'),
      ack: db.prepare('DELETE FROM bus_deliveries WHERE grp = ? AND seq = ?'),
      retryLater: db.prepare('UPDATE bus_deliveries SET state = 0, available_at = ? WHERE grp = ? AND seq = ?'),
      release: db.prepare('UPDATE bus_deliveries SET state = 0, attempts = MAX(0, attempts - 1) WHERE grp = ? AND seq = ?'),
      body: db.prepare<[number], { body: string }>('SELECT body FROM bus_messages WHERE seq = ?'),
      insertDead: db.prepare('INSERT OR REPLACE INTO bus_dead_letters (id, grp, body, attempts, error, dead_lettered_at) VALUES (?, ?, ?, ?, ?, ?)'),
      nextAvailable: db.prepare<[string], { at: number | null }>('SELECT MIN(CASE state WHEN 0 THEN available_at ELSE lease_until END) AS at FROM bus_deliveries WHERE grp = ?'),
      listDead: db.prepare<[number], DeadRow>('SELECT * FROM bus_dead_letters ORDER BY dead_lettered_at, id LIMIT ?'),
      listDeadOfGroup: db.prepare<[string, number], DeadRow>('SELECT * FROM bus_dead_letters WHERE grp = ? ORDER BY dead_lettered_at, id LIMIT ?'),
      getDead: db.prepare<[string], DeadRow>('SELECT * FROM bus_dead_letters WHERE id = ?'),
      deleteDead: db.prepare('DELETE FROM bus_dead_letters WHERE id = ?'),
      purgeAll: db.prepare('DELETE FROM bus_dead_letters'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM bus_dead_letters'),
      countOfGroup: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM bus_dead_letters WHERE grp = ?'),
      prune: db.prepare('DELETE FROM bus_messages WHERE seq < COALESCE((SELECT MIN(seq) FROM bus_deliveries), (SELECT MAX(seq) FROM bus_messages))'),
    };
  }

  registerGroup(group: string, path: BusPath): void {
    translate('register group', () => this.stmts.registerGroup.run(group, path, Date.now()));
  }

  append(messages: readonly BusMessage[], nowMs: number): void {
    const tx = this.db.transaction(() => {
      const groups = new Map<BusPath, string[]>();
      for (const m of messages) {
        let gs = groups.get(m.path);
        if (!gs) groups.set(m.path, (gs = this.stmts.groupsOfPath.all(m.path).map((r) => r.grp)));
        const seq = Number(this.stmts.insertMessage.run(m.id, m.partitionKey, m.path, JSON.stringify(m)).lastInsertRowid);
        for (const g of gs) this.stmts.insertDelivery.run(g, seq, m.partitionKey, nowMs);
      }
    });
    translate('publish', () => tx.immediate());
  }

  claim(r: ClaimRequest): ClaimedDelivery[] {
    const tx = this.db.transaction((): ClaimedDelivery[] => {
      const rows = (r.ordered ? this.stmts.claimOrdered : this.stmts.claimUnordered).all({ grp: r.group, now: r.nowMs, limit: r.limit });
      return rows.map((row) => {
        this.stmts.markClaimed.run(r.leaseUntilMs, r.group, row.seq);
        return { seq: row.seq, message: JSON.parse(row.body) as BusMessage, attempt: row.attempts + 1 };
      });
    });
    return translate('claim', () => tx.immediate());
  }

  ack(group: string, seq: number): void {
    translate('ack', () => this.stmts.ack.run(group, seq));
    if (++this.acksSincePrune >= 1000) {
      this.acksSincePrune = 0;
      translate('prune', () => this.stmts.prune.run());
    }
  }

  release(group: string, seq: number): void {
    translate('release', () => this.stmts.release.run(group, seq));
  }

  retryLater(group: string, seq: number, availableAtMs: number): void {
    translate('nack', () => this.stmts.retryLater.run(availableAtMs, group, seq));
  }

  deadLetter(group: string, seq: number, attempts: number, error: string, atIso: string): void {
    const tx = this.db.transaction(() => {
      const row = this.stmts.body.get(seq);
      if (!row) return;
      const message = JSON.parse(row.body) as BusMessage;
      this.stmts.insertDead.run(deadLetterId(group, message.id), group, row.body, attempts, error, atIso);
      this.stmts.ack.run(group, seq);
    });
    translate('dead-letter', () => tx.immediate());
  }

  nextAvailableAt(group: string): number | undefined {
    return this.stmts.nextAvailable.get(group)?.at ?? undefined;
  }

  listDeadLetters(group: string | undefined, limit: number): DeadLetter[] {
    const rows = group === undefined ? this.stmts.listDead.all(limit) : this.stmts.listDeadOfGroup.all(group, limit);
    return rows.map(toDeadLetter);
  }

  getDeadLetter(id: string): DeadLetter | undefined {
    const row = this.stmts.getDead.get(id);
    return row && toDeadLetter(row);
  }

  redrive(ids: readonly string[], nowMs: number): number {
    const tx = this.db.transaction(() => {
      let n = 0;
      for (const id of ids) {
        const row = this.stmts.getDead.get(id);
        if (!row) continue;
        const m = JSON.parse(row.body) as BusMessage;
        this.stmts.registerGroup.run(row.grp, m.path, nowMs);
        const seq = Number(this.stmts.insertMessage.run(m.id, m.partitionKey, m.path, row.body).lastInsertRowid);
        this.stmts.insertDelivery.run(row.grp, seq, m.partitionKey, nowMs);
        this.stmts.deleteDead.run(id);
        n++;
      }
      return n;
    });
    return translate('redrive', () => tx.immediate());
  }

  purge(ids: readonly string[] | undefined): number {
    if (ids === undefined) return translate('purge', () => this.stmts.purgeAll.run().changes);
    const tx = this.db.transaction(() => ids.reduce((n, id) => n + this.stmts.deleteDead.run(id).changes, 0));
    return translate('purge', () => tx.immediate());
  }

  countDeadLetters(group: string | undefined): number {
    return (group === undefined ? this.stmts.count.get() : this.stmts.countOfGroup.get(group))?.n ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
