/**
 * BusStorage in a SQLite file (SqliteEventBus): messages, per-group deliveries and dead letters
 * survive restarts. A claim is one IMMEDIATE transaction, so two processes sharing the file
 * never claim the same delivery; on the core path a delivery is claimable only when no older
 * delivery with its partition key is unsettled in the group (per-stream order). Dead letters
 * carry their tenant in an indexed column (ADR 0134), so list/count/purge by tenant and group
 * are index range scans with keyset paging on (dead_lettered_at, id).
 */
import Database from 'better-sqlite3';
import type { BusMessage, BusPath, DeadLetter, DeadLetterFilter } from '../../../ports/EventBus';
import { tenantOfMessage, type NormalizedDeadLetterQuery, type PurgeTarget } from '../../../ports/deadLetters';
import { UnavailableError } from '../../../ports/errors';
import type { BusStorage, ClaimedDelivery, ClaimRequest } from './BusStorage';
import { deadLetterId } from './BusStorage';

/**
 * Migrations of the bus file, applied in order in one IMMEDIATE transaction (several processes
 * may open the same file). The version lives in its own table; files written before the table
 * existed hold exactly migration 1 (its statements are IF NOT EXISTS), so they migrate too.
 */
const MIGRATIONS: readonly string[] = [`
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
`,
// 2 (ADR 0134): the tenant (envelope extension) as a column, filled in from the stored bodies,
// and indexes in the queue's order (dead_lettered_at, id) for each filter shape.
`
ALTER TABLE bus_dead_letters ADD COLUMN tenant TEXT;
UPDATE bus_dead_letters SET tenant = json_extract(body, '$.envelope.tenant') WHERE json_type(body, '$.envelope.tenant') = 'text';
DROP INDEX IF EXISTS bus_dead_letters_group;
CREATE INDEX bus_dead_letters_order ON bus_dead_letters (dead_lettered_at, id);
CREATE INDEX bus_dead_letters_group ON bus_dead_letters (grp, dead_lettered_at, id);
CREATE INDEX bus_dead_letters_tenant ON bus_dead_letters (tenant, dead_lettered_at, id);
CREATE INDEX bus_dead_letters_tenant_group ON bus_dead_letters (tenant, grp, dead_lettered_at, id);
`];

export const BUS_SCHEMA_VERSION = MIGRATIONS.length;

function migrate(db: Database.Database, path: string): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS nexus_bus_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
    const current = (db.prepare('SELECT version FROM nexus_bus_schema WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
    if (current > BUS_SCHEMA_VERSION) throw new Error(`${path}: bus schema version ${current} is newer than this Nexus supports (${BUS_SCHEMA_VERSION}); upgrade Nexus`);
    for (let v = current; v < BUS_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    if (current !== BUS_SCHEMA_VERSION) {
      db.prepare('INSERT INTO nexus_bus_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version').run(BUS_SCHEMA_VERSION);
    }
  }).immediate();
}

/** WHERE clause and parameters of a dead-letter filter, optionally continuing after a position. */
function deadWhere(f: DeadLetterFilter, q?: NormalizedDeadLetterQuery): { sql: string; params: Record<string, string | number> } {
  const parts: string[] = [];
  const params: Record<string, string | number> = {};
  if (f.group !== undefined) {
    parts.push('grp = @grp');
    params.grp = f.group;
  }
  if (f.tenant !== undefined) {
    parts.push('tenant = @tenant');
    params.tenant = f.tenant;
  }
  if (q?.after) {
    parts.push('(dead_lettered_at, id) > (@afterAt, @afterId)');
    params.afterAt = q.after.deadLetteredAt;
    params.afterId = q.after.id;
  }
  const sql = parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`;
  return { sql, params };
}

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
  private readonly deadStatements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (the local stack's failure model); FULL would add an fsync per claim and ack.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    try {
      translate('open', () => migrate(this.db, path));
    } catch (err) {
      this.db.close();
      throw err;
    }
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
      insertDead: db.prepare('INSERT OR REPLACE INTO bus_dead_letters (id, grp, body, attempts, error, dead_lettered_at, tenant) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      nextAvailable: db.prepare<[string], { at: number | null }>('SELECT MIN(CASE state WHEN 0 THEN available_at ELSE lease_until END) AS at FROM bus_deliveries WHERE grp = ?'),
      getDead: db.prepare<[string], DeadRow>('SELECT * FROM bus_dead_letters WHERE id = ?'),
      deleteDead: db.prepare('DELETE FROM bus_dead_letters WHERE id = ?'),
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
      this.stmts.insertDead.run(deadLetterId(group, message.id), group, row.body, attempts, error, atIso, tenantOfMessage(message) ?? null);
      this.stmts.ack.run(group, seq);
    });
    translate('dead-letter', () => tx.immediate());
  }

  nextAvailableAt(group: string): number | undefined {
    return this.stmts.nextAvailable.get(group)?.at ?? undefined;
  }

  listDeadLetters(query: NormalizedDeadLetterQuery): DeadLetter[] {
    const w = deadWhere(query, query);
    const rows = this.deadStatement<DeadRow>(`SELECT * FROM bus_dead_letters ${w.sql} ORDER BY dead_lettered_at, id LIMIT @limit`)
      .all({ ...w.params, limit: query.limit });
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

  purge(target: PurgeTarget): number {
    if ('filter' in target) {
      const w = deadWhere(target.filter);
      return translate('purge', () => this.deadStatement(`DELETE FROM bus_dead_letters ${w.sql}`).run(w.params).changes);
    }
    const tx = this.db.transaction(() => target.ids.reduce((n, id) => n + this.stmts.deleteDead.run(id).changes, 0));
    return translate('purge', () => tx.immediate());
  }

  countDeadLetters(filter: DeadLetterFilter): number {
    const w = deadWhere(filter);
    return this.deadStatement<{ n: number }>(`SELECT COUNT(*) AS n FROM bus_dead_letters ${w.sql}`).get(w.params)?.n ?? 0;
  }

  countDeadLettersByGroup(filter: DeadLetterFilter): Map<string, number> {
    const w = deadWhere(filter);
    const rows = this.deadStatement<{ grp: string; n: number }>(`SELECT grp, COUNT(*) AS n FROM bus_dead_letters ${w.sql} GROUP BY grp`).all(w.params);
    return new Map(rows.map((r) => [r.grp, r.n]));
  }

  /** One prepared statement per filter shape (at most 8 of each kind), prepared on first use. */
  private deadStatement<R>(sql: string): Database.Statement<Record<string, string | number>, R> {
    let st = this.deadStatements.get(sql);
    if (!st) this.deadStatements.set(sql, (st = this.db.prepare(sql)));
    return st as Database.Statement<Record<string, string | number>, R>;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
