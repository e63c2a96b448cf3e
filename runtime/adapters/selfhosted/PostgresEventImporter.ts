/**
 * Native EventImporter for PostgreSQL (used by `nexus migrate`): a whole page of source events
 * (many streams) goes in ONE transaction that first marks its connection as an appender (ADR 0142), with
 * each event's original version, id and recordedAt. Versions already present must hold the same
 * event ids (a re-run skips them); a run that would leave a gap, or a different event at a
 * version, is an ImportConflictError and the transaction writes nothing. There is no global lock:
 * when a concurrent writer takes one of the versions between the check and the insert, UNIQUE
 * (stream_id, version) fails the transaction and the page is checked again from the start.
 */
import type { PoolClient } from 'pg';
import { ImportConflictError, type EventImporter, type ImportResult } from '../../ports/EventImport';
import type { StoredEvent } from '../../ports/events';
import type { PgAccess } from './postgres/PgAccess';
import { pgCode, UNIQUE_VIOLATION } from './postgres/pgErrors';
import { MARK_SQL } from './postgres/appendHorizon';

type Run = { readonly streamId: string; readonly events: readonly StoredEvent[] };

/** Times a page is re-checked after losing a race for a version before the error surfaces. */
const MAX_RACES = 5;

export class PostgresEventImporter implements EventImporter {
  constructor(private readonly pg: PgAccess) {}

  importEvents(streamId: string, events: readonly StoredEvent[]): Promise<ImportResult> {
    return this.importStreams([{ streamId, events }]);
  }

  async importStreams(runs: readonly Run[]): Promise<ImportResult> {
    const nonEmpty = runs.filter((r) => r.events.length > 0);
    for (const r of nonEmpty) {
      r.events.forEach((e, i) => {
        if (e.streamId !== r.streamId || e.version !== r.events[0]!.version + i) {
          throw new ImportConflictError(r.streamId, e.version, 'an import run must be one stream with contiguous ascending versions');
        }
      });
    }
    if (nonEmpty.length === 0) return { imported: 0, skipped: 0 };
    for (let races = 0; ; races++) {
      try {
        return await this.pg.transaction((c) => this.inTransaction(c, nonEmpty));
      } catch (err) {
        if (pgCode(err) !== UNIQUE_VIOLATION || races >= MAX_RACES) throw err;
      }
    }
  }

  private async inTransaction(c: PoolClient, runs: readonly Run[]): Promise<ImportResult> {
    const s = this.pg.s;
    await c.query(MARK_SQL, [s]); // before the first write gives this transaction an xid
    const ids = runs.map((r) => r.streamId);
    const heads = new Map((await c.query<{ stream_id: string; version: string }>(
      `SELECT stream_id, max(version) AS version FROM ${s}.events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`, [ids],
    )).rows.map((r) => [r.stream_id, Number(r.version)]));
    const missing: StoredEvent[] = [];
    const present: StoredEvent[] = [];
    for (const r of runs) {
      const have = heads.get(r.streamId) ?? 0;
      const first = r.events[0]!.version;
      if (first > have + 1) throw new ImportConflictError(r.streamId, first, `the target stream is at v${have}: importing v${first} would leave a gap`);
      for (const e of r.events) (e.version <= have ? present : missing).push(e);
    }
    if (present.length > 0) {
      const stored = new Map((await c.query<{ stream_id: string; version: string; event_id: string }>(
        `SELECT e.stream_id, e.version, e.event_id FROM ${s}.events e
         JOIN unnest($1::text[], $2::bigint[]) AS u(stream_id, version) ON e.stream_id = u.stream_id AND e.version = u.version`,
        [present.map((e) => e.streamId), present.map((e) => e.version)],
      )).rows.map((r) => [`${r.stream_id}\u0000${r.version}`, r.event_id]));
      for (const e of present) {
        const found = stored.get(`${e.streamId}\u0000${e.version}`);
        if (found !== e.eventId) throw new ImportConflictError(e.streamId, e.version, `the target holds event ${found ?? '<none>'}, the source ${e.eventId}`);
      }
    }
    if (missing.length > 0) {
      await c.query(
        `INSERT INTO ${s}.events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
         SELECT sid, v, id, t, sv, d::json, m::json, at
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
           WITH ORDINALITY AS u(sid, v, id, t, sv, d, m, at, n)
         ORDER BY n`,
        [
          missing.map((e) => e.streamId), missing.map((e) => e.version), missing.map((e) => e.eventId), missing.map((e) => e.type),
          missing.map((e) => e.schemaVersion), missing.map((e) => JSON.stringify(e.data)), missing.map((e) => JSON.stringify(e.metadata ?? {})),
          missing.map((e) => e.recordedAt),
        ],
      );
    }
    return { imported: missing.length, skipped: present.length };
  }
}
