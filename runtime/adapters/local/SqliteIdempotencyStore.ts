/**
 * IdempotencyStore on the local SQLite file: first writer wins per key until expiry (by the
 * injected clock). The check and the write share one BEGIN IMMEDIATE transaction (the group
 * transaction of the file's shared connection: sqlite/sharedFile.ts). Expired records are purged
 * in bulk every PURGE_EVERY stores, so the table does not grow forever.
 */
import type { Database, Statement } from 'better-sqlite3';
import { systemClock, type Clock, type IdempotencyRecord, type IdempotencyStore } from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';
import { checkIdempotencyArgs } from './InMemoryIdempotencyStore';
import { withBusyRetry, type BusyPolicy } from './sqlite/busy';
import { SqliteFile, type SharedFileOptions } from './sqlite/sharedFile';

interface Row {
  key: string;
  value: string;
  stored_at: string;
  expires_at: string;
}

const PURGE_EVERY = 256;

const toRecord = (r: Row): IdempotencyRecord => ({ key: r.key, value: JSON.parse(r.value) as unknown, storedAt: r.stored_at, expiresAt: r.expires_at });

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly file: SqliteFile;
  private readonly db: Database;
  private readonly service: string;
  private readonly busy: BusyPolicy;
  private readonly clock: Clock;
  private readonly live: Statement<[string, number], Row>;
  private readonly put: Statement<[string, string, string, string, number]>;
  private readonly purge: Statement<[number]>;
  private storesSincePurge = 0;
  private closed = false;

  constructor(options: SharedFileOptions & { readonly clock?: Clock }) {
    this.file = SqliteFile.open(options);
    ({ db: this.db, service: this.service, busy: this.busy } = this.file);
    this.clock = options.clock ?? systemClock;
    this.live = this.db.prepare('SELECT key, value, stored_at, expires_at FROM idempotency WHERE key = ? AND expires_ms > ?');
    this.put = this.db.prepare(
      `INSERT INTO idempotency (key, value, stored_at, expires_at, expires_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, stored_at = excluded.stored_at,
         expires_at = excluded.expires_at, expires_ms = excluded.expires_ms`,
    );
    this.purge = this.db.prepare('DELETE FROM idempotency WHERE expires_ms <= ?');
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }> {
    this.assertOpen();
    const json = checkIdempotencyArgs(key, value, ttlSeconds);
    // The clock is read here, in the caller's async context (a context-bound clock would answer
    // for another writer inside the shared group commit).
    const now = this.clock.now().getTime();
    return this.file.write(() => {
      const existing = this.live.get(key, now);
      if (existing) return { stored: false, record: toRecord(existing) };
      const expiresMs = now + ttlSeconds * 1000;
      const row: Row = { key, value: json, stored_at: new Date(now).toISOString(), expires_at: new Date(expiresMs).toISOString() };
      this.put.run(key, json, row.stored_at, row.expires_at, expiresMs);
      if (++this.storesSincePurge >= PURGE_EVERY) {
        this.storesSincePurge = 0;
        this.purge.run(now);
      }
      return { stored: true, record: toRecord(row) };
    });
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    checkIdempotencyArgs(key, null, 1);
    const row = await withBusyRetry(this.service, this.busy, () => this.live.get(key, this.clock.now().getTime()));
    return row && toRecord(row);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.release();
  }

  private assertOpen(): void {
    if (this.closed || !this.db.open) throw new ClosedStoreError(`SqliteIdempotencyStore (${this.service})`);
  }
}
