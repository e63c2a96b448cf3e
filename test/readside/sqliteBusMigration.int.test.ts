/**
 * SqliteEventBus opens bus files written before ADR 0134 (no schema version table, dead letters
 * without a tenant column): the tenant is filled in from each stored envelope, tenant filters
 * find them, and a file from a newer Nexus is refused with an error naming it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventBus } from '../../runtime/adapters/local/SqliteEventBus';
import { BUS_SCHEMA_VERSION } from '../../runtime/adapters/local/bus/SqliteBusStorage';
import { tenantMessage } from '../contracts/eventBusContract';

/** The bus schema as earlier versions created it (verbatim). */
const SCHEMA_BEFORE_0134 = `
CREATE TABLE IF NOT EXISTS bus_groups (grp TEXT PRIMARY KEY, path TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bus_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, partition_key TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bus_deliveries (
  grp TEXT NOT NULL, seq INTEGER NOT NULL, partition_key TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  state INTEGER NOT NULL DEFAULT 0, available_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (grp, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bus_deliveries_partition ON bus_deliveries (grp, partition_key, seq);
CREATE TABLE IF NOT EXISTS bus_dead_letters (
  id TEXT PRIMARY KEY, grp TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT NOT NULL, dead_lettered_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bus_dead_letters_group ON bus_dead_letters (grp, dead_lettered_at);
`;

describe('SqliteEventBus: bus files from before ADR 0134', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-bus-migrate-'));
    file = join(dir, 'bus.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills in the tenant of existing dead letters and filters by it; a second open changes nothing', async () => {
    const old = new Database(file);
    old.exec(SCHEMA_BEFORE_0134);
    const insert = old.prepare('INSERT INTO bus_dead_letters (id, grp, body, attempts, error, dead_lettered_at) VALUES (?, ?, ?, ?, ?, ?)');
    const rows: Array<[string, string | number | undefined, string]> = [
      ['projection.a', 'acme', '2025-01-01T00:00:00.003Z'], ['projection.a', 'globex', '2025-01-01T00:00:00.001Z'],
      ['projection.b', 'acme', '2025-01-01T00:00:00.002Z'], ['projection.b', undefined, '2025-01-01T00:00:00.004Z'],
      ['projection.b', 42, '2025-01-01T00:00:00.005Z'],
    ];
    const ids: string[] = [];
    for (const [group, tenant, at] of rows) {
      const m = tenantMessage(undefined, `k-${ids.length}`);
      const message = tenant === undefined ? m : { ...m, envelope: { ...m.envelope, tenant } };
      ids.push(`${group}:${message.id}`);
      insert.run(`${group}:${message.id}`, group, JSON.stringify(message), 2, 'Error: old', at);
    }
    old.close();

    for (let open = 1; open <= 2; open++) {
      const bus = new SqliteEventBus(file);
      try {
        assert.deepEqual((await bus.deadLetters.list({ tenant: 'acme' })).map((d) => d.id), [ids[2], ids[0]], `open ${open}: acme's, oldest first`);
        assert.equal(await bus.deadLetters.count({ tenant: 'globex' }), 1);
        assert.equal(await bus.deadLetters.count(), 5, 'a non-string tenant (42) is no tenant, but still a dead letter');
        assert.deepEqual(Object.fromEntries(await bus.deadLetters.countByGroup({ tenant: 'acme' })), { 'projection.a': 1, 'projection.b': 1 });
      } finally {
        await bus.close();
      }
    }
    const db = new Database(file, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT version FROM nexus_bus_schema').get(), { version: BUS_SCHEMA_VERSION });
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM bus_dead_letters WHERE tenant = 'acme' ORDER BY dead_lettered_at, id LIMIT 10").all() as Array<{ detail: string }>;
      assert.match(plan.map((p) => p.detail).join('; '), /USING INDEX bus_dead_letters_tenant\b/, 'tenant pages are an index range scan, no sort');
      assert.doesNotMatch(plan.map((p) => p.detail).join('; '), /TEMP B-TREE/);
    } finally {
      db.close();
    }
  });

  it('refuses a bus file written by a newer Nexus, naming the file and both versions', () => {
    const db = new Database(file);
    db.exec('CREATE TABLE nexus_bus_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
    db.prepare('INSERT INTO nexus_bus_schema (id, version) VALUES (1, ?)').run(BUS_SCHEMA_VERSION + 1);
    db.close();
    assert.throws(() => new SqliteEventBus(file), new RegExp(`bus\\.db: bus schema version ${BUS_SCHEMA_VERSION + 1} is newer than this Nexus supports \\(${BUS_SCHEMA_VERSION}\\)`));
  });
});
