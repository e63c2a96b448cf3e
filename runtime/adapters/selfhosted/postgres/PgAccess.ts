/**
 * What every PostgreSQL store shares: the pool, the quoted schema, migrations awaited before
 * the first query, error translation, a transaction helper, and close-once semantics.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { ClosedStoreError } from '../../local/ClosedStoreError';
import { migrate, type PostgresConnection } from './connection';
import { translatePgError } from './pgErrors';

export class PgAccess {
  readonly pool: Pool;
  /** Quoted schema name. */
  readonly s: string;
  readonly service: string;
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(connection: PostgresConnection, private readonly storeName: string, private readonly ownsPool = true) {
    ({ pool: this.pool, schema: this.s, service: this.service } = connection);
    this.ready = migrate(this.pool, this.s, this.service);
    this.ready.catch(() => undefined);
  }

  /** Resolves once the schema migrations are applied (throws their translated error). */
  async whenReady(): Promise<void> {
    await this.ready;
  }

  /** One statement on any pooled connection; a `name` prepares it once per connection. */
  async query<R extends QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    this.assertOpen();
    await this.ready;
    try {
      return (await this.pool.query<R>({ text: sql, values: params, name })).rows;
    } catch (err) {
      throw translatePgError(this.service, err);
    }
  }

  /** Runs `work` in BEGIN … COMMIT; rolls back when `commit(result)` is false or work throws. */
  async transaction<T>(work: (c: PoolClient) => Promise<T>, commit: (result: T) => boolean = () => true): Promise<T> {
    this.assertOpen();
    await this.ready;
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw translatePgError(this.service, err);
    }
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query(commit(out) ? 'COMMIT' : 'ROLLBACK');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translatePgError(this.service, err);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  assertOpen(): void {
    if (this.closed) throw new ClosedStoreError(`${this.storeName} (${this.service})`);
  }
}
