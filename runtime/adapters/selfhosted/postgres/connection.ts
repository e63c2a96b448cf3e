/**
 * One pg Pool per PostgreSQL manifest section, the schema name check, and the migrations that
 * create the Nexus tables on start (idempotent, serialized across processes by an advisory lock).
 */
import { Pool, type PoolConfig } from 'pg';
import { InvalidArgumentError } from '../../../ports';
import { translatePgError } from './pgErrors';
import { MIGRATIONS } from './schema';

export interface PostgresSection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly schema: string;
  /** Name of the secret holding the password (resolved by the entry point). */
  readonly passwordSecret?: string;
}

export interface PostgresConnection {
  readonly pool: Pool;
  /** The quoted schema name, safe to splice into SQL. */
  readonly schema: string;
  /** "postgres <host>:<port>/<db>" for error messages. */
  readonly service: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new InvalidArgumentError('schema', `"${schema}" must match ${SCHEMA_NAME.source}`);
  return `"${schema}"`;
}

/** Pool settings from a manifest section and the password secret (undefined = trust/peer auth). */
export function poolConfig(section: PostgresSection, secrets: Readonly<Record<string, string | undefined>> = {}): PoolConfig {
  const password = section.passwordSecret ? secrets[section.passwordSecret] : undefined;
  if (section.passwordSecret && password === undefined) {
    throw new InvalidArgumentError('passwordSecret', `secret ${section.passwordSecret} is not set (the PostgreSQL password)`);
  }
  return {
    host: section.host, port: section.port, database: section.database, user: section.user, password,
    max: 10, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000,
  };
}

const migrated = new Map<string, Promise<void>>();

/** Applies the schema migrations once per process and schema (every store calls it on start). */
export async function migrate(pool: Pool, schema: string, service: string): Promise<void> {
  const key = `${service}/${schema}`;
  let done = migrated.get(key);
  if (!done) {
    done = applyMigrations(pool, schema, service);
    migrated.set(key, done);
    done.catch(() => migrated.delete(key));
  }
  return done;
}

async function applyMigrations(pool: Pool, schema: string, service: string): Promise<void> {
  const client = await pool.connect().catch((err: unknown) => { throw translatePgError(service, err); });
  try {
    await client.query('BEGIN');
    // One migrator at a time per database; others wait and then find the work done.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('nexus-migrations'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (id int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ id: number }>(`SELECT id FROM ${schema}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (applied.has(m.id)) continue;
      await client.query(m.sql(schema));
      await client.query(`INSERT INTO ${schema}.schema_migrations (id) VALUES ($1)`, [m.id]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePgError(service, err);
  } finally {
    client.release();
  }
}

export function openPostgres(section: PostgresSection, secrets?: Readonly<Record<string, string | undefined>>): PostgresConnection {
  const schema = checkSchemaName(section.schema);
  const pool = new Pool(poolConfig(section, secrets));
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return { pool, schema, service: `postgres ${section.host}:${section.port}/${section.database}` };
}
