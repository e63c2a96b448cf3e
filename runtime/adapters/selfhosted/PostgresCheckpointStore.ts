/**
 * CheckpointStore on PostgreSQL. Compare-and-set is one statement: an absent expectation is
 * INSERT … ON CONFLICT DO NOTHING, a present one is UPDATE … WHERE value = expected; when no row
 * changed, the current value is read back for the CheckpointConflictError.
 */
import {
  CheckpointConflictError, checkCheckpointListArgs, checkpointNameRange, type CheckpointListOptions, type CheckpointStore,
} from '../../ports';
import { checkCheckpointName, checkCheckpointValue } from '../local/InMemoryCheckpointStore';
import type { PostgresConnection } from './postgres/connection';
import { PgAccess } from './postgres/PgAccess';

export class PostgresCheckpointStore implements CheckpointStore {
  private readonly pg: PgAccess;

  constructor(options: { readonly connection: PostgresConnection; readonly ownsPool?: boolean }) {
    this.pg = new PgAccess(options.connection, 'PostgresCheckpointStore', options.ownsPool);
  }

  async get(name: string): Promise<string | undefined> {
    this.pg.assertOpen();
    checkCheckpointName(name);
    const rows = await this.pg.query<{ value: string }>(`SELECT value FROM ${this.pg.s}.checkpoints WHERE name = $1`, [name]);
    return rows[0]?.value;
  }

  async set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void> {
    this.pg.assertOpen();
    checkCheckpointName(name);
    checkCheckpointValue(value);
    const t = `${this.pg.s}.checkpoints`;
    if (!expected) {
      await this.pg.query(`INSERT INTO ${t} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [name, value]);
      return;
    }
    const changed = expected.current === undefined
      ? await this.pg.query(`INSERT INTO ${t} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name`, [name, value])
      : await this.pg.query(`UPDATE ${t} SET value = $2 WHERE name = $1 AND value = $3 RETURNING name`, [name, value, expected.current]);
    if (changed.length === 0) throw new CheckpointConflictError(name, expected.current, await this.get(name));
  }

  async delete(name: string): Promise<void> {
    this.pg.assertOpen();
    checkCheckpointName(name);
    await this.pg.query(`DELETE FROM ${this.pg.s}.checkpoints WHERE name = $1`, [name]);
  }

  async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    this.pg.assertOpen();
    const { prefix: p, to, limit } = checkCheckpointListArgs(prefix, options);
    const range = checkpointNameRange(p, to);
    if (!range) return [];
    // A range on the primary key (COLLATE "C": code point order) read in index order and cut by
    // LIMIT, so the server stops at the bound or the limit. No LIKE: prefixes may contain % or _.
    const params: Array<string | number> = [range.from];
    let where = 'name >= $1';
    if (range.through !== undefined) where += ` AND name <= $${params.push(range.through)}`;
    else if (range.before !== undefined) where += ` AND name < $${params.push(range.before)}`;
    const cut = limit === undefined ? '' : ` LIMIT $${params.push(limit)}`;
    return this.pg.query<{ name: string; value: string }>(`SELECT name, value FROM ${this.pg.s}.checkpoints WHERE ${where} ORDER BY name${cut}`, params);
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}
