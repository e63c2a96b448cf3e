/**
 * readAll of PostgresEventStore (ADR 0142): one statement pages the events after the checkpoint
 * in (xid, position) order, below the horizon of appendHorizon.ts, and says whether committed
 * events lie past the horizon (held back by an append still in flight with a smaller xid). Such
 * events were committed before the read began, so the page is not the end: the reader waits a
 * little for the in-flight appends to finish (like CosmosReadAll's settle window) and otherwise
 * reports isEnd = false, never a premature end.
 */
import type { ReadAllOptions, ReadAllPage } from '../../../ports';
import { resolveReadAllLimit } from '../../local/StoreOptions';
import { HORIZON_CTES } from './appendHorizon';
import { EVENT_COLUMNS, parseEventKey, toStoredEvent, type EventRow } from './eventPositions';
import type { PgAccess } from './PgAccess';

/** Waits (ms) before re-reading while only held-back events lie ahead: about 250 ms in all. */
const HELD_BACK_WAITS = [1, 2, 4, 8, 16, 32, 64, 128];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type PageRow = { held: boolean } & { [K in keyof EventRow]: EventRow[K] | null };

function pageSql(s: string): string {
  const cols = EVENT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ');
  // $1 schema, $2/$3 checkpoint (xid, position), $4 page size + 1. The horizon enters as a
  // scalar so that it bounds the index range (a generic plan cannot see through the CTE join).
  // \`held\` is only computed when the page is not full (a full page is not the end anyway), with
  // one index start key: past the horizon, or past the checkpoint when that is further on. Not
  // EXISTS: the planner drops ORDER BY … LIMIT 1 there and guesses a seq scan finds a row fast.
  return `
    WITH ${HORIZON_CTES},
    page AS (
      SELECT ${cols} FROM ${s}.events e
      WHERE (e.xid, e.position) > ($2::xid8, $3::bigint) AND e.xid < (SELECT h FROM horizon)
      ORDER BY e.xid, e.position LIMIT $4
    ),
    held AS (
      SELECT CASE
        WHEN (SELECT count(*) FROM page) >= $4 THEN false
        WHEN (SELECT h FROM horizon) > $2::xid8
          THEN (SELECT e.xid FROM ${s}.events e WHERE e.xid >= (SELECT h FROM horizon) ORDER BY e.xid, e.position LIMIT 1) IS NOT NULL
        ELSE (SELECT e.xid FROM ${s}.events e WHERE (e.xid, e.position) > ($2::xid8, $3::bigint) ORDER BY e.xid, e.position LIMIT 1) IS NOT NULL
      END AS held
    )
    SELECT held.held, page.* FROM held LEFT JOIN page ON true ORDER BY page.xid, page.position`;
}

export async function readAllPage(pg: PgAccess, options: ReadAllOptions): Promise<ReadAllPage> {
  const after = parseEventKey('after', options.after);
  const limit = resolveReadAllLimit(options);
  const sql = pageSql(pg.s);
  const name = `nexus_read_all_${pg.s.replace(/"/g, '')}`;
  for (let attempt = 0; ; attempt++) {
    const rows = await pg.query<PageRow>(sql, [pg.s, after.xid, after.position, limit + 1], name);
    const held = rows[0]?.held === true;
    const found = rows.filter((r) => r.position !== null) as EventRow[];
    const events = found.slice(0, limit).map(toStoredEvent);
    const wait = HELD_BACK_WAITS[attempt];
    if (events.length === 0 && held && wait !== undefined) {
      await sleep(wait);
      continue;
    }
    const last = events[events.length - 1];
    return { events, checkpoint: last ? last.position : options.after, isEnd: found.length <= limit && !held };
  }
}
