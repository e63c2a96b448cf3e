/**
 * PostgreSQL fixture for the self-hosted suites: detects the machine's server at 127.0.0.1:5432,
 * creates a database with a unique name for a suite and drops it afterwards, and opens
 * connections (fresh schema per case when asked) to it. Skips loudly when the server is absent.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openPostgres, type PostgresConnection, type PostgresSection } from '../../runtime/adapters/selfhosted/postgres/connection';

export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;
export const PG_USER = 'postgres';

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ host: PG_HOST, port: PG_PORT, user: PG_USER, database: 'postgres', connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** Why PostgreSQL cannot be used here, or undefined. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return undefined;
  } catch (err) {
    return `PostgreSQL not reachable at ${PG_HOST}:${PG_PORT} as ${PG_USER} (${err instanceof Error ? err.message : String(err)})`;
  }
}

export async function createDatabase(prefix = 'nexus_test'): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export function section(database: string, schema = 'nexus'): PostgresSection {
  return { host: PG_HOST, port: PG_PORT, database, user: PG_USER, schema };
}

export interface PgSuite {
  readonly database: () => string;
  /** A connection to the suite's database; a fresh schema unless one is named. */
  connect(schema?: string): PostgresConnection;
}

/** Creates the suite's database in `before` (skipping loudly without a server) and drops it in `after`. */
export function usePostgres(suite: string): PgSuite {
  let db: string | undefined;
  before(async function () {
    this.timeout(30_000);
    const why = await postgresUnavailable();
    if (why) {
      console.warn(`\n*** SKIPPED: ${why}: ${suite} not run ***\n`);
      this.skip();
    }
    db = await createDatabase();
  });
  after(async function () {
    this.timeout(30_000);
    if (db) await dropDatabase(db);
  });
  return {
    database: () => {
      if (!db) throw new Error('usePostgres: no database (before() did not run)');
      return db;
    },
    connect(schema = `s_${randomUUID().replace(/-/g, '').slice(0, 10)}`) {
      if (!db) throw new Error('usePostgres: no database (before() did not run)');
      return openPostgres(section(db, schema));
    },
  };
}
