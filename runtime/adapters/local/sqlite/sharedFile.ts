/**
 * One connection per SQLite file per process, shared by the local stores that open the same file
 * with the same settings (event store, snapshots, checkpoints, idempotency records). While one
 * store object uses the file (a CLI, a migration, the store benchmark), every write is its own
 * transaction with SQLite's own synchronous setting, run at once, as a store on its own connection
 * would. As soon as two store objects share it (the runtime: commands, relay, sagas, snapshotter
 * all writing), it switches to GROUP COMMIT with the WAL fsync OFF the event loop (docs/adr/0130):
 *
 * - The writes requested in one turn of the event loop run in ONE `BEGIN IMMEDIATE` transaction,
 *   each in its own savepoint (a write that throws rolls back alone and rejects alone), in request
 *   order (so commit order == position order still holds for the event log).
 * - With synchronous=FULL (the default) the connection then commits with synchronous=NORMAL — the
 *   WAL frames are written, not yet fsynced — and this class fsyncs the WAL file itself: on its
 *   own thread right after the commit while no two writers meet, on the libuv thread pool once
 *   they do. That is exactly the sync FULL adds to NORMAL in WAL mode ("an additional sync of the
 *   WAL after each transaction commit", sqlite.org/pragma.html#pragma_synchronous). A write's
 *   promise settles only after an fsync that STARTED after its commit returned: an acknowledged
 *   write is as durable as with FULL. While one fsync runs, the next batches commit and wait for
 *   the next one, so one fsync covers every commit made during the previous one.
 * - Committed-but-not-yet-synced frames are visible to readers of the connection; the event store
 *   therefore makes its reads wait for `durable()` whenever they would return such an event
 *   (SqliteEventStore), so no event is seen — relayed, projected, notified — before it is durable.
 *
 * synchronous=NORMAL/OFF/EXTRA and `fsyncOffThread: false` keep SQLite's own behaviour per commit
 * (no fsync of ours). Reads are not queued: they run at once on the shared connection
 * (better-sqlite3 is synchronous, so no read can observe a batch half-way).
 */
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UnavailableError } from '../../../ports';
import { DEFAULT_BUSY_POLICY, isBusy, sqliteCode, type BusyPolicy } from './busy';
import { openDatabase, type OpenedDatabase, type SqliteOptions } from './openDatabase';

export interface SharedFileOptions extends SqliteOptions {
  /**
   * Share one connection (and its group commit) with the other stores of this process that open
   * the same file with the same settings; default true. False gives the store its own connection
   * (still group-committing its own writes), e.g. to test two connections on one file.
   */
  readonly sharedConnection?: boolean;
  /**
   * With synchronous=FULL and the file shared by several stores: fsync the WAL ourselves after
   * each group commit (off the event loop when writers meet) instead of inside SQLite's commit
   * (same durability, see above); default true. False commits with SQLite's own FULL sync.
   */
  readonly fsyncOffThread?: boolean;
}

/** Told around every fsync of ours: `before` right before it starts, `after` once it succeeded. */
export interface SyncListener {
  before(): void;
  after(): void;
}

interface PendingWrite {
  readonly op: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Something waiting for the next fsync: a committed batch or a reader. */
interface SyncWaiter {
  done(): void;
  fail(err: unknown): void;
}

export interface GroupCommitStats {
  /** Transactions committed. */
  commits: number;
  /** Writes those transactions held. */
  writes: number;
  /** fsyncs of the WAL run off the event loop (0 when SQLite syncs itself). */
  syncs: number;
}

/** How long fsyncs stay off the loop after two writers last met (a batch of two, or a commit during an fsync). */
const CONCURRENCY_MEMORY_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Connections open in this process, by file and settings. */
const OPEN = new Map<string, SqliteFile>();

export class SqliteFile implements OpenedDatabase {
  readonly db: Database.Database;
  readonly service: string;
  readonly busy: BusyPolicy;
  readonly stats: GroupCommitStats = { commits: 0, writes: 0, syncs: 0 };
  private refs = 0;
  /** Commits with NORMAL and fsyncs the WAL itself (shared by several stores, FULL asked). */
  private ownSync = false;
  private queue: PendingWrite[] = [];
  private scheduled = false;
  /** The batch being retried after SQLITE_BUSY, so batches never overlap. */
  private flushing: Promise<void> | undefined;
  private readonly walFd: number | undefined;
  private syncing: Promise<void> | undefined;
  private waiting: SyncWaiter[] = [];
  private readonly listeners = new Set<SyncListener>();
  /** Until then fsyncs run on the thread pool: writers met recently (see committed()). */
  private concurrentUntil = 0;
  /** An fsync failed: what was written since may not be on disk, and nothing more is accepted. */
  private failed: Error | undefined;
  private readonly sql: { begin: Statement; commit: Statement; rollback: Statement; savepoint: Statement; release: Statement; rollbackTo: Statement };

  private constructor(opened: OpenedDatabase, walFd: number | undefined, private readonly key: string | undefined) {
    this.db = opened.db;
    this.service = opened.service;
    this.busy = opened.busy;
    this.walFd = walFd;
    const db = this.db;
    this.sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT nexus_write'),
      release: db.prepare('RELEASE nexus_write'),
      rollbackTo: db.prepare('ROLLBACK TO nexus_write'),
    };
  }

  /** Opens (or joins) the connection for `options.path`; every open needs one `release()`. */
  static open(options: SharedFileOptions): SqliteFile {
    const onDisk = typeof options.path === 'string' && options.path.length > 0 && options.path !== ':memory:';
    const key = onDisk && options.sharedConnection !== false ? fileKey(options) : undefined;
    let file = key === undefined ? undefined : OPEN.get(key);
    if (!file || !file.db.open) {
      const offThread = onDisk && (options.synchronous ?? 'FULL') === 'FULL' && options.fsyncOffThread !== false;
      file = offThread ? SqliteFile.openOffThread(options, key) : new SqliteFile(openDatabase(options), undefined, key);
      if (key !== undefined) OPEN.set(key, file);
    }
    if (++file.refs === 2) file.enterShared();
    return file;
  }

  /** True when acknowledgements wait for an fsync of ours (the file is shared, FULL asked). */
  get syncsOffThread(): boolean {
    return this.ownSync;
  }

  /** A second store joined: group commit, and (FULL asked) NORMAL commits with our own fsync. */
  private enterShared(): void {
    if (this.walFd === undefined || this.failed || !this.db.open) return;
    this.db.pragma('synchronous = NORMAL');
    this.ownSync = true;
    // Everything committed so far was synced by SQLite (FULL): durable as of now.
    for (const l of this.listeners) l.before();
    for (const l of this.listeners) l.after();
  }

  /** Back to one store, nothing in flight: SQLite's own FULL sync per commit again. */
  private leaveShared(): void {
    if (!this.ownSync || this.failed || !this.db.open) return;
    if (this.queue.length > 0 || this.scheduled || this.flushing || this.syncing || this.waiting.length > 0) return;
    this.db.pragma('synchronous = FULL');
    this.ownSync = false;
  }

  /**
   * synchronous=FULL, able to fsync the WAL itself once shared: the WAL file (which exists once the
   * WAL-mode file was opened and migrated) is opened for fsync. Whatever an earlier process
   * committed without syncing is synced now, and so is the directory entry of the WAL file, once.
   * If the WAL cannot be opened, SQLite's own FULL sync is kept, shared or not.
   */
  private static openOffThread(options: SharedFileOptions, key: string | undefined): SqliteFile {
    const opened = openDatabase(options);
    let walFd: number | undefined;
    try {
      walFd = openSync(`${resolve(options.path)}-wal`, 'r+');
      fsyncSync(walFd);
      const dir = openSync(dirname(resolve(options.path)), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch {
      if (walFd !== undefined) closeSync(walFd);
      walFd = undefined;
    }
    return new SqliteFile(opened, walFd, key);
  }

  /**
   * Runs `op` inside the next group transaction and resolves with its result once that
   * transaction is committed and durable; rejects with op's own error (only op's changes rolled
   * back), or with the commit's error (nothing of the batch stored). `op` must be synchronous and
   * may run again when the whole batch is retried after SQLITE_BUSY.
   */
  write<T>(op: () => T): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      const w: PendingWrite = { op, resolve: resolve as (v: unknown) => void, reject };
      // One store on the file: no one to share a commit with, so no reason to wait for one.
      if (this.refs < 2 && this.queue.length === 0 && !this.scheduled && !this.flushing) this.flush([w]);
      else {
        this.queue.push(w);
        this.schedule();
      }
    });
  }

  /**
   * Resolves once everything committed on this file so far (by any connection) is on disk: after
   * an fsync that starts after this call. Immediate when SQLite syncs each commit itself.
   */
  durable(): Promise<void> {
    if (!this.ownSync) return Promise.resolve();
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<void>((done, fail) => {
      this.waiting.push({ done, fail });
      this.requestSync();
    });
  }

  /** Settles when the fsync running now (if any) ended, however it ended. */
  syncInFlight(): Promise<void> {
    return this.syncing ?? Promise.resolve();
  }

  /** Runs around every fsync of ours (the event store tracks its durable position with it). */
  onSync(listener: SyncListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops one reference; the last one waits for queued writes and fsyncs, then closes. */
  async release(): Promise<void> {
    await this.settled();
    if (--this.refs === 1) this.leaveShared();
    if (this.refs > 0) return;
    if (this.key !== undefined && OPEN.get(this.key) === this) OPEN.delete(this.key);
    if (this.db.open) this.db.close();
    try {
      if (this.walFd !== undefined) closeSync(this.walFd);
    } catch {
      // already unusable (the fsync failure that marked this file failed said so)
    }
  }

  /** Resolves once every write queued so far has committed (and been synced) or failed. */
  async settled(): Promise<void> {
    for (;;) {
      if (this.flushing) await this.flushing;
      else if (this.queue.length > 0 || this.scheduled) await new Promise<void>((r) => setImmediate(r));
      else if (this.syncing) await this.syncing;
      else return;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue;
      this.queue = [];
      if (batch.length > 0) this.flush(batch);
    });
  }

  /** Commits the batch now; only a busy file (another process writing) makes it wait and retry. */
  private flush(batch: readonly PendingWrite[]): void {
    let outcomes: Outcome[];
    const started = Date.now();
    try {
      this.assertUsable();
      outcomes = this.runBatch(batch);
    } catch (err) {
      if (!isBusy(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      // Another process holds the write lock: the whole batch waits and runs again; later
      // writes queue behind it so batches never overlap.
      this.flushing = this.retryBusy(batch, err, started).then(
        (o) => this.committed(batch, o),
        (e: unknown) => batch.forEach((w) => w.reject(e)),
      ).finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
      return;
    }
    this.committed(batch, outcomes);
  }

  /** The busy policy of every store (sqlite/busy.ts), applied to the batch as a whole. */
  private async retryBusy(batch: readonly PendingWrite[], first: unknown, started: number): Promise<Outcome[]> {
    let last = first;
    for (let attempt = 1; attempt <= this.busy.retries; attempt++) {
      await sleep(this.busy.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
      this.assertUsable();
      try {
        return this.runBatch(batch);
      } catch (err) {
        if (!isBusy(err)) throw err;
        last = err;
      }
    }
    throw new UnavailableError(
      this.service,
      `${sqliteCode(last)} after ${this.busy.retries + 1} attempts over ${Date.now() - started} ms (another process holds the write lock)`,
      { cause: last },
    );
  }

  private assertUsable(): void {
    if (this.failed) throw this.failed;
    if (!this.db.open) throw new Error(`${this.service}: the connection was closed before the write could run`);
  }

  /** Settles the batch now (SQLite synced the commit) or after the next fsync of ours. */
  private committed(batch: readonly PendingWrite[], outcomes: readonly Outcome[]): void {
    this.stats.commits++;
    this.stats.writes += batch.length;
    const settle = (): void => batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
    const fail = (err: unknown): void => batch.forEach((w) => w.reject(err));
    if (!this.ownSync) {
      settle();
      return;
    }
    if (batch.length > 1) this.sawConcurrency();
    if (!this.syncing && Date.now() >= this.concurrentUntil) {
      // A lone writer (no two writers met for a while): an fsync right here costs less latency
      // than a round trip to the thread pool, and no one else is waiting for the event loop.
      if (this.syncNow()) settle();
      else fail(this.failed);
      return;
    }
    // Even the writes that failed wait: their outcome is reported in commit order with the rest.
    this.waiting.push({ done: settle, fail });
    this.requestSync();
  }

  private sawConcurrency(): void {
    this.concurrentUntil = Date.now() + CONCURRENCY_MEMORY_MS;
  }

  /** fsync of the WAL on this thread; false (and the file marked failed) when it failed. */
  private syncNow(): boolean {
    for (const l of this.listeners) l.before();
    this.stats.syncs++;
    try {
      fsyncSync(this.walFd!);
    } catch (err) {
      this.fsyncFailed(err as NodeJS.ErrnoException);
      return false;
    }
    for (const l of this.listeners) l.after();
    return true;
  }

  private fsyncFailed(err: NodeJS.ErrnoException): void {
    // As PostgreSQL does after a failed fsync: the kernel may have dropped the dirty pages, so
    // nothing written since the last good fsync can be called durable, now or later.
    this.failed ??= new UnavailableError(this.service, `fsync of the WAL failed (${err.code ?? err.message}): writes since the last successful fsync may be lost; reopen the store`, { cause: err });
  }

  /** Starts an fsync unless one is running; a running one starts the next when it ends. */
  private requestSync(): void {
    if (this.syncing) return;
    const covered = this.waiting;
    this.waiting = [];
    for (const l of this.listeners) l.before();
    this.stats.syncs++;
    this.syncing = new Promise<void>((resolve) => {
      fsync(this.walFd!, (err) => {
        this.syncing = undefined;
        if (err) {
          this.fsyncFailed(err);
          for (const w of [...covered, ...this.waiting.splice(0)]) w.fail(this.failed);
        } else {
          for (const l of this.listeners) l.after();
          for (const w of covered) w.done();
          // Someone committed during this fsync: writers are meeting, keep the loop free.
          if (this.waiting.length > 0) {
            this.sawConcurrency();
            this.requestSync();
          }
        }
        resolve();
      });
    });
  }

  /** One transaction; throws only what concerns the whole batch (busy, commit failure). */
  private runBatch(batch: readonly PendingWrite[]): Outcome[] {
    const { sql } = this;
    sql.begin.run();
    let ended = false;
    try {
      const outcomes = batch.length === 1 ? [this.runAlone(batch[0]!)] : batch.map((w) => this.runInSavepoint(w));
      // Nothing to keep: end without a commit (a failed write alone rolls back whatever it did).
      if (outcomes.every((o) => !o.ok)) sql.rollback.run();
      else sql.commit.run();
      ended = true;
      return outcomes;
    } finally {
      if (!ended && this.db.inTransaction) sql.rollback.run();
    }
  }

  private runAlone(w: PendingWrite): Outcome {
    try {
      return { ok: true, value: w.op() };
    } catch (error) {
      if (isBusy(error)) throw error;
      return { ok: false, error };
    }
  }

  private runInSavepoint(w: PendingWrite): Outcome {
    const { sql } = this;
    sql.savepoint.run();
    try {
      const value = w.op();
      sql.release.run();
      return { ok: true, value };
    } catch (error) {
      if (isBusy(error)) throw error;
      sql.rollbackTo.run();
      sql.release.run();
      return { ok: false, error };
    }
  }
}

function fileKey(o: SharedFileOptions): string {
  const busy = { ...DEFAULT_BUSY_POLICY, ...o.busy };
  return JSON.stringify([resolve(o.path), o.synchronous ?? 'FULL', o.fsyncOffThread !== false, o.busyTimeoutMs ?? 2000, busy.retries, busy.backoffMs]);
}
