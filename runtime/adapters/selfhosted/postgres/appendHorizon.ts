/**
 * The two halves of readAll's commit-order protocol on PostgreSQL (ADR 0142).
 *
 * Writers: every append or import takes a session-level SHARED advisory lock, the appender mark
 * (`hashtext('nexus-appender'), hashtext(<schema>)`), before its transaction gets an xid — the
 * append statement in a MATERIALIZED CTE that its INSERT reads first, the importer as the first
 * statement of its transaction — and the connection keeps it until it disconnects (taking it
 * again is a local counter bump). Shared marks never block each other, and a mark held by an
 * idle connection blocks nothing: it only says "transactions on this connection may add events".
 * Taking it in every append (not once per pooled connection) keeps the rule true behind a
 * transaction-pooling proxy that hands each transaction a different server connection.
 *
 * Readers: a statement's snapshot S lists the transactions in flight (xip). Rows whose xid is
 * below the horizon are final: no transaction with a smaller xid can still add one. The horizon
 * is the smallest xid of S.xip that may still write events here, or S.xmax when there is none:
 * - an xid below S.xmin, or in [xmin, xmax) but not in xip, has finished: its rows are visible;
 * - xids handed out later are >= S.xmax, so they are never below the horizon;
 * - an xid in xip blocks unless pg_locks (read after S was taken) shows it still running (it
 *   holds the ExclusiveLock on its own transactionid) on a connection without the mark, or
 *   without the pre-0142 append lock (ADR 0080 writers during a rolling upgrade). Such a
 *   transaction cannot add events: every appending transaction marks its connection before its
 *   first write, and a mark, once taken, stays. An xid that ended between S and pg_locks, or that is not yet in
 *   pg_locks, blocks: conservative, and gone on the next read.
 * So unrelated writers elsewhere in the cluster — a long batch job, a forgotten prepared
 * transaction — never hold the tail back; only in-flight appends on this schema's connections do
 * (including other work on a marked pooled connection, which is why transactions there stay short).
 * On a hot standby pg_locks shows no primary transactions, so the horizon falls back to S.xmin.
 */
/** The appender mark of the schema whose quoted name is the statement parameter `param` ("$1"). */
export const markCall = (param: string): string => `pg_advisory_lock_shared(hashtext('nexus-appender'), hashtext(${param}))`;

/** Takes the appender mark of the schema given as $1 (the quoted schema name). */
export const MARK_SQL = `SELECT ${markCall('$1')}`;

/**
 * CTEs `locks` and `horizon` (one row, column h: xid8) for a statement whose $1 is the quoted
 * schema name. `locks` is MATERIALIZED so pg_locks is read once, after the snapshot.
 */
export const HORIZON_CTES = `
  snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
  locks AS MATERIALIZED (
    SELECT locktype, database, classid, objid, objsubid, pid, transactionid, mode, granted FROM pg_catalog.pg_locks
    WHERE locktype IN ('advisory', 'transactionid') AND granted
  ),
  marked AS (
    SELECT l.pid FROM locks l
    WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
      AND ((l.objsubid = 2 AND l.classid = hashtext('nexus-appender')::oid AND l.objid = hashtext($1)::oid)
        OR (l.objsubid = 1 AND l.classid = ((hashtext('nexus-append:' || $1)::bigint >> 32) & 4294967295)::oid
                           AND l.objid = (hashtext('nexus-append:' || $1)::bigint & 4294967295)::oid))
  ),
  horizon AS MATERIALIZED (
    SELECT least(pg_snapshot_xmax(snap.s), (
      SELECT min(x) FROM pg_snapshot_xip(snap.s) AS x
      WHERE NOT EXISTS (
        SELECT 1 FROM locks r
        WHERE r.locktype = 'transactionid' AND r.mode = 'ExclusiveLock' AND r.transactionid = xid(x)
          AND NOT EXISTS (SELECT 1 FROM marked m WHERE m.pid = r.pid)
      )
    )) AS h FROM snap
  )`;
