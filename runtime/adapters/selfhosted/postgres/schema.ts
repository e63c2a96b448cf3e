/**
 * The Nexus tables on PostgreSQL, as ordered migrations (applied on start by connection.ts).
 * readAll order is (xid, position): the appending transaction's 64-bit id, then the bigserial
 * taken inside it (ADR 0142; migration 3 replaced ADR 0080's global append lock, rows stored
 * before it keep xid 0 and their commit-ordered positions). recorded_at is the ISO-8601 text the store stamped (exact round trip, ordered like the time).
 * Event data and metadata are `json`, not `jsonb`: jsonb reorders object keys, and read models
 * that serialise event data (e.g. an order's lines as JSON) would then differ between stores.
 */
export interface Migration {
  readonly id: number;
  sql(schema: string): string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    sql: (s) => `
      CREATE TABLE ${s}.events (
        position bigserial PRIMARY KEY,
        stream_id text NOT NULL,
        version bigint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        schema_version int NOT NULL,
        data json NOT NULL,
        metadata json NOT NULL,
        recorded_at text NOT NULL,
        UNIQUE (stream_id, version),
        UNIQUE (stream_id, event_id)
      );
      CREATE TABLE ${s}.snapshots (
        stream_id text NOT NULL,
        version bigint NOT NULL,
        aggregate_type text NOT NULL,
        state_version int NOT NULL,
        state json NOT NULL,
        taken_at text NOT NULL,
        PRIMARY KEY (stream_id, version)
      );
      CREATE TABLE ${s}.checkpoints (name text COLLATE "C" PRIMARY KEY, value text NOT NULL);
      CREATE TABLE ${s}.idempotency (
        key text PRIMARY KEY,
        value json NOT NULL,
        stored_at text NOT NULL,
        expires_at text NOT NULL,
        expires_ms bigint NOT NULL
      );
      CREATE INDEX idempotency_expiry ON ${s}.idempotency (expires_ms);`,
  },
  {
    id: 2,
    sql: (s) => `
      CREATE TABLE ${s}.search_indexes (name text PRIMARY KEY, definition jsonb NOT NULL);
      CREATE TABLE ${s}.search_documents (
        index_name text NOT NULL REFERENCES ${s}.search_indexes (name) ON DELETE CASCADE,
        id text COLLATE "C" NOT NULL,
        doc jsonb NOT NULL,
        tsv tsvector NOT NULL,
        PRIMARY KEY (index_name, id)
      );
      CREATE INDEX search_documents_tsv ON ${s}.search_documents USING gin (tsv);`,
  },
  {
    // ADR 0142. A constant default first: existing rows read xid 0 without a table rewrite
    // (their positions were handed out in commit order under ADR 0080's lock), then the real
    // default for every later insert. The readAll order key becomes the primary key: nothing
    // looks rows up by position alone any more, so inserts still maintain three indexes. The
    // index build holds the table (ACCESS EXCLUSIVE) until the migration commits.
    id: 3,
    sql: (s) => `
      ALTER TABLE ${s}.events ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
      ALTER TABLE ${s}.events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
      ALTER TABLE ${s}.events DROP CONSTRAINT events_pkey, ADD CONSTRAINT events_pkey PRIMARY KEY (xid, position);`,
  },
];
