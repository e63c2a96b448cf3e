/**
 * Opens the local store file with the durability and contention settings every SQLite store
 * shares: WAL (readers never block the writer), synchronous=FULL by default (a committed append
 * survives power loss), busy_timeout for cross-process writers, and the schema migrated.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, UnavailableError } from '../../../ports';
import { DEFAULT_BUSY_POLICY, isBusy, type BusyPolicy } from './busy';
import { migrate } from './migrations';

export type SynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface SqliteOptions {
  /** Database file, e.g. `.nexus/events.db`; parent directories are created. */
  readonly path: string;
  /** PRAGMA synchronous; default FULL (NORMAL in WAL mode may lose the last commits on power loss). */
  readonly synchronous?: SynchronousMode;
  /** How long SQLite itself waits for another connection's lock, in ms (default 2000). */
  readonly busyTimeoutMs?: number;
  /** Retries after busy_timeout is exhausted, then UnavailableError. */
  readonly busy?: Partial<BusyPolicy>;
}

export interface OpenedDatabase {
  readonly db: Database.Database;
  /** Names the file in errors: "sqlite .nexus/events.db". */
  readonly service: string;
  readonly busy: BusyPolicy;
}

const SYNC_MODES: readonly SynchronousMode[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

export function openDatabase(options: SqliteOptions): OpenedDatabase {
  if (typeof options.path !== 'string' || options.path.length === 0) {
    throw new InvalidArgumentError('path', 'must name the SQLite file, e.g. .nexus/events.db');
  }
  const synchronous = options.synchronous ?? 'FULL';
  if (!SYNC_MODES.includes(synchronous)) throw new InvalidArgumentError('synchronous', `must be one of ${SYNC_MODES.join(', ')}`);
  const busyTimeoutMs = options.busyTimeoutMs ?? 2000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new InvalidArgumentError('busyTimeoutMs', 'must be an integer >= 0');
  const service = `sqlite ${options.path}`;
  if (options.path !== ':memory:') mkdirSync(dirname(resolve(options.path)), { recursive: true });
  const db = new Database(options.path, { timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    migrate(db, options.path);
  } catch (err) {
    db.close();
    if (isBusy(err)) throw new UnavailableError(service, `could not open: ${(err as Error).message}`, { cause: err });
    throw err;
  }
  return { db, service, busy: { ...DEFAULT_BUSY_POLICY, ...options.busy } };
}
