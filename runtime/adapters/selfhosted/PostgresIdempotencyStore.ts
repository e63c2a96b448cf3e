/**
 * IdempotencyStore on PostgreSQL: first writer wins per key until expiry (by the injected
 * clock). One upsert statement takes the key only when it is absent or expired, so racing
 * writers cannot both win; expired rows are purged in bulk every PURGE_EVERY stores.
 */
import { systemClock, type Clock, type IdempotencyRecord, type IdempotencyStore } from '../../ports';
import { checkIdempotencyArgs } from '../local/InMemoryIdempotencyStore';
import type { PostgresConnection } from './postgres/connection';
import { PgAccess } from './postgres/PgAccess';

interface Row {
  key: string;
  value: unknown;
  stored_at: string;
  expires_at: string;
}

const PURGE_EVERY = 256;
const toRecord = (r: Row): IdempotencyRecord => ({ key: r.key, value: r.value, storedAt: r.stored_at, expiresAt: r.expires_at });

export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly pg: PgAccess;
  private readonly clock: Clock;
  private storesSincePurge = 0;

  constructor(options: { readonly connection: PostgresConnection; readonly clock?: Clock; readonly ownsPool?: boolean }) {
    this.pg = new PgAccess(options.connection, 'PostgresIdempotencyStore', options.ownsPool);
    this.clock = options.clock ?? systemClock;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }> {
    this.pg.assertOpen();
    const json = checkIdempotencyArgs(key, value, ttlSeconds);
    const t = `${this.pg.s}.idempotency`;
    for (;;) {
      const now = this.clock.now().getTime();
      const expiresMs = now + ttlSeconds * 1000;
      const taken = await this.pg.query<Row>(
        `INSERT INTO ${t} (key, value, stored_at, expires_at, expires_ms) VALUES ($1, $2::json, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, stored_at = excluded.stored_at,
           expires_at = excluded.expires_at, expires_ms = excluded.expires_ms
         WHERE ${t}.expires_ms <= $6
         RETURNING key, value, stored_at, expires_at`,
        [key, json, new Date(now).toISOString(), new Date(expiresMs).toISOString(), expiresMs, now],
      );
      if (taken[0]) {
        if (++this.storesSincePurge >= PURGE_EVERY) {
          this.storesSincePurge = 0;
          await this.pg.query(`DELETE FROM ${t} WHERE expires_ms <= $1`, [now]);
        }
        return { stored: true, record: toRecord(taken[0]) };
      }
      const live = await this.live(key, now);
      // The live row expired between the two statements: take the key on the next round.
      if (live) return { stored: false, record: live };
    }
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    this.pg.assertOpen();
    checkIdempotencyArgs(key, null, 1);
    return this.live(key, this.clock.now().getTime());
  }

  private async live(key: string, now: number): Promise<IdempotencyRecord | undefined> {
    const rows = await this.pg.query<Row>(
      `SELECT key, value, stored_at, expires_at FROM ${this.pg.s}.idempotency WHERE key = $1 AND expires_ms > $2`, [key, now]);
    return rows[0] && toRecord(rows[0]);
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}
