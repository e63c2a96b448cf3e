/**
 * SearchIndex on SQLite for the local stack (`search.kind: sqlite-fts`): each index is a
 * documents table (JSON, filters and sorts through json_extract) plus an FTS5 table over its
 * searchable fields (unicode61 tokenizer, diacritics removed; prefix queries for the last term).
 * Validation, ordering and cursors come from search/queryPlan.ts, shared with the in-memory index.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  IndexNotFoundError, type FieldType, type IndexDefinition, type SearchDocument, type SearchIndex, type SearchPage, type SearchQuery,
} from '../../ports/SearchIndex';
import { UnavailableError } from '../../ports/errors';
import {
  checkDocuments, checkIndexName, definitionMismatch, encodeCursor, planQuery, resolveDefinition, sameDefinition, sortValue,
  type QueryPlan, type ResolvedField,
} from './search/queryPlan';
import { ClosedStoreError } from './ClosedStoreError';

interface Meta {
  readonly id: number;
  readonly fields: ResolvedField[];
  readonly searchable: ResolvedField[];
  readonly typeOf: ReadonlyMap<string, FieldType>;
}

/**
 * The happy path of checkDocuments without its per-field arrays (a rebuild upserts every
 * document of a projection). Never more lenient: a document it does not accept goes through
 * checkDocuments, which throws the shared, field-naming error or accepts it.
 */
function plainlyValid(typeOf: ReadonlyMap<string, FieldType>, documents: readonly SearchDocument[]): boolean {
  for (const d of documents) {
    if (typeof d?.id !== 'string' || d.id.length === 0 || d.id.length > 512) return false;
    for (const k in d) {
      const v = d[k];
      if (k === 'id' || v === null || v === undefined) continue;
      const type = typeOf.get(k);
      if (type === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      } else if (type === 'boolean') {
        if (typeof v !== 'boolean') return false;
      } else if (type === undefined || typeof v !== 'string' || (type === 'date' && Number.isNaN(Date.parse(v)))) {
        return false;
      }
    }
  }
  return true;
}

/** The prepared statements of one index (prepared once, not per call). */
interface Writer {
  readonly get: Database.Statement<[string], { doc: string }>;
  readonly insert: Database.Statement<[string, string]>;
  readonly update: Database.Statement<[string, string], { rid: number }>;
  readonly fts?: { readonly del: Database.Statement<[number]>; readonly ins: Database.Statement<unknown[]> };
}

const col = (f: ResolvedField): string => (f.name === 'id' ? 'd.id' : `json_extract(d.doc, '$.${f.name}')`);

/** SQL for a sort key equal to queryPlan.sortValue (missing values sort lowest). */
function sortExpr(f: ResolvedField): string {
  if (f.name === 'id') return 'd.id';
  if (f.type === 'number') return `COALESCE(${col(f)}, ${-Number.MAX_VALUE})`;
  if (f.type === 'boolean') return `COALESCE(${col(f)}, 0)`;
  return `COALESCE(${col(f)}, '')`;
}

const sqlValue = (v: unknown): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

function translate<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new UnavailableError('sqlite search index', `${what}: ${code}`, { cause: err });
    throw err;
  }
}

export class SqliteSearchIndex implements SearchIndex {
  private readonly db: Database.Database;
  private readonly metas = new Map<string, Meta>();
  /** By index id (ids are never reused: AUTOINCREMENT). */
  private readonly writers = new Map<number, Writer>();
  private exists: Database.Statement<[number]> | undefined;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // Read models can always be rebuilt from the event store: NORMAL is enough.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: a rebuild writes tens of MB, and every
    // checkpoint costs two fsyncs (measured: ten WAL fsyncs, ~250 ms, in a 100k-event rebuild).
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.exec('CREATE TABLE IF NOT EXISTS search_indexes (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL)');
  }

  async createIndex(index: string, definition: IndexDefinition): Promise<void> {
    checkIndexName(index);
    const fields = resolveDefinition(definition);
    const existing = this.meta(index);
    if (existing) {
      if (!sameDefinition(existing.fields, fields)) throw definitionMismatch(index, existing.fields, fields);
      return;
    }
    const tx = this.db.transaction(() => {
      const id = Number(this.db.prepare('INSERT INTO search_indexes (name, definition) VALUES (?, ?)').run(index, JSON.stringify(fields)).lastInsertRowid);
      // The FTS row shares the document's rowid: updates and deletes are rowid lookups, never scans.
      this.db.exec(`CREATE TABLE si_docs_${id} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)`);
      const searchable = fields.filter((f) => f.searchable);
      if (searchable.length > 0) {
        this.db.exec(`CREATE VIRTUAL TABLE si_fts_${id} USING fts5(${searchable.map((f) => f.name).join(', ')}, tokenize = 'unicode61 remove_diacritics 2')`);
      }
    });
    translate('create index', () => tx.immediate());
  }

  async dropIndex(index: string): Promise<void> {
    const m = this.meta(index);
    if (!m) return;
    const tx = this.db.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS si_docs_${m.id}; DROP TABLE IF EXISTS si_fts_${m.id};`);
      this.db.prepare('DELETE FROM search_indexes WHERE id = ?').run(m.id);
    });
    translate('drop index', () => tx.immediate());
    this.metas.delete(index);
    this.writers.delete(m.id);
  }

  async listIndexes(): Promise<string[]> {
    this.assertOpen();
    return this.db.prepare<[], { name: string }>('SELECT name FROM search_indexes ORDER BY name').all().map((r) => r.name);
  }

  async upsert(index: string, documents: readonly SearchDocument[]): Promise<void> {
    const m = this.requireIndex(index);
    if (!plainlyValid(m.typeOf, documents)) checkDocuments(index, m.fields, documents);
    const w = this.writer(m);
    const tx = this.db.transaction(() => {
      // Documents first, then their FTS rows: interleaving the two tables costs twice as much.
      // A new document (the common case in a rebuild) has no FTS row to delete.
      const rids: number[] = new Array<number>(documents.length);
      const replaced: boolean[] = new Array<boolean>(documents.length);
      for (let i = 0; i < documents.length; i++) {
        const d = documents[i]!;
        const json = JSON.stringify(d);
        const inserted = w.insert.run(d.id, json);
        replaced[i] = inserted.changes === 0;
        rids[i] = replaced[i] ? w.update.get(json, d.id)!.rid : Number(inserted.lastInsertRowid);
      }
      if (!w.fts) return;
      for (let i = 0; i < documents.length; i++) {
        const d = documents[i]!;
        if (replaced[i]) w.fts.del.run(rids[i]!);
        if (m.searchable.length === 1) {
          const v = d[m.searchable[0]!.name];
          w.fts.ins.run(rids[i], typeof v === 'string' ? v : null);
        } else {
          w.fts.ins.run(rids[i], ...m.searchable.map((f) => (typeof d[f.name] === 'string' ? d[f.name] : null)));
        }
      }
    });
    translate('upsert', () => tx.immediate());
  }

  async delete(index: string, ids: readonly string[]): Promise<void> {
    const m = this.requireIndex(index);
    const del = this.db.prepare<[string], { rid: number }>(`DELETE FROM si_docs_${m.id} WHERE id = ? RETURNING rid`);
    const delFts = m.searchable.length > 0 ? this.db.prepare(`DELETE FROM si_fts_${m.id} WHERE rowid = ?`) : undefined;
    const tx = this.db.transaction(() => {
      for (const id of ids) {
        const row = del.get(id);
        if (row) delFts?.run(row.rid);
      }
    });
    translate('delete', () => tx.immediate());
  }

  async get(index: string, id: string): Promise<SearchDocument | undefined> {
    const m = this.requireIndex(index);
    const row = this.writer(m).get.get(id);
    return row && (JSON.parse(row.doc) as SearchDocument);
  }

  async query(index: string, query: SearchQuery): Promise<SearchPage> {
    const m = this.requireIndex(index);
    const plan = planQuery(m.fields, query);
    const where: string[] = [];
    const params: unknown[] = [];
    for (const f of plan.filters) {
      const c = col(f.resolved);
      const ops = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
      if (f.op === 'in') {
        const values = f.value as unknown[];
        where.push(`${c} IN (${values.map(() => '?').join(', ')})`);
        params.push(...values.map(sqlValue));
      } else if (f.op === 'prefix') {
        where.push(`substr(${c}, 1, ?) = ?`);
        params.push((f.value as string).length, f.value);
      } else if (f.op === 'ne') {
        where.push(`(${c} IS NULL OR ${c} <> ?)`);
        params.push(sqlValue(f.value));
      } else {
        where.push(`${c} ${ops[f.op]} ?`);
        params.push(sqlValue(f.value));
      }
    }
    if (plan.terms.length > 0) {
      const match = plan.terms.map((t, i) => `"${t}"${i === plan.terms.length - 1 ? '*' : ''}`).join(' ');
      where.push(`d.rid IN (SELECT rowid FROM si_fts_${m.id} WHERE si_fts_${m.id} MATCH ?)`);
      params.push(match);
    }
    const base = `FROM si_docs_${m.id} d${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    const total = translate('count', () => this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n ${base}`).get(...params)!.n);
    const [afterSql, afterParams] = keyset(plan);
    const order = plan.sort.map((s) => `${sortExpr(s.field)} ${s.order === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
    const rows = translate('query', () =>
      this.db
        .prepare<unknown[], { doc: string }>(`SELECT d.doc AS doc ${base}${afterSql ? `${where.length ? ' AND' : ' WHERE'} ${afterSql}` : ''} ORDER BY ${order} LIMIT ?`)
        .all(...params, ...afterParams, plan.limit + 1),
    );
    const items = rows.slice(0, plan.limit).map((r) => JSON.parse(r.doc) as SearchDocument);
    const last = items[items.length - 1];
    return { items, total, nextCursor: rows.length > plan.limit && last ? encodeCursor(plan.sort.map((s) => sortValue(s.field, last))) : undefined };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private meta(index: string): Meta | undefined {
    this.assertOpen();
    const cached = this.metas.get(index);
    if (cached) return cached;
    const row = this.db.prepare<[string], { id: number; definition: string }>('SELECT id, definition FROM search_indexes WHERE name = ?').get(index);
    if (!row) return undefined;
    const fields = JSON.parse(row.definition) as ResolvedField[];
    const m = { id: row.id, fields, searchable: fields.filter((f) => f.searchable), typeOf: new Map(fields.map((f) => [f.name, f.type])) };
    this.metas.set(index, m);
    return m;
  }

  private writer(m: Meta): Writer {
    let w = this.writers.get(m.id);
    if (!w) {
      w = {
        get: this.db.prepare(`SELECT doc FROM si_docs_${m.id} WHERE id = ?`),
        insert: this.db.prepare(`INSERT INTO si_docs_${m.id} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`),
        update: this.db.prepare(`UPDATE si_docs_${m.id} SET doc = ? WHERE id = ? RETURNING rid`),
        fts: m.searchable.length > 0
          ? {
              del: this.db.prepare(`DELETE FROM si_fts_${m.id} WHERE rowid = ?`),
              ins: this.db.prepare(`INSERT INTO si_fts_${m.id} (rowid, ${m.searchable.map((f) => f.name).join(', ')}) VALUES (?${', ?'.repeat(m.searchable.length)})`),
            }
          : undefined,
      };
      this.writers.set(m.id, w);
    }
    return w;
  }

  private requireIndex(index: string): Meta {
    const m = this.meta(index);
    this.exists ??= this.db.prepare('SELECT 1 FROM search_indexes WHERE id = ?');
    if (m && this.exists.get(m.id)) return m;
    // Another connection dropped it (and may have created it again, under a new id): forget the
    // cached tables and statements, and look the name up once more.
    this.metas.delete(index);
    if (m) this.writers.delete(m.id);
    const fresh = m ? this.meta(index) : undefined;
    if (!fresh) throw new IndexNotFoundError(index);
    return fresh;
  }

  private assertOpen(): void {
    if (!this.db.open) throw new ClosedStoreError(`SqliteSearchIndex(${this.path})`);
  }
}

/** Keyset condition "after the cursor's sort key" in the plan's mixed asc/desc order. */
function keyset(plan: QueryPlan): [string, unknown[]] {
  if (!plan.after) return ['', []];
  const ors: string[] = [];
  const params: unknown[] = [];
  plan.sort.forEach((s, i) => {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      ands.push(`${sortExpr(plan.sort[j]!.field)} = ?`);
      params.push(plan.after![j]);
    }
    ands.push(`${sortExpr(s.field)} ${s.order === 'asc' ? '>' : '<'} ?`);
    params.push(plan.after![i]);
    ors.push(`(${ands.join(' AND ')})`);
  });
  return [`(${ors.join(' OR ')})`, params];
}
