/**
 * SqliteSearchIndex write path beyond the shared contract: the upsert writes documents first and
 * their FTS rows after, skips the FTS delete for new documents and keeps prepared statements per
 * index. These cases prove the text index stays exact through replacements, duplicate ids in one
 * call, deletes, and an index dropped and created again (here or by another connection).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSearchIndex } from '../../runtime/adapters/local/SqliteSearchIndex';
import { isIndexNotFoundError, type IndexDefinition } from '../../runtime/ports/SearchIndex';

const DEF: IndexDefinition = { fields: [{ name: 'title', type: 'text' }, { name: 'tags', type: 'text' }, { name: 'n', type: 'number' }] };

describe('SqliteSearchIndex writes (FTS kept exact)', () => {
  let dir: string;
  let si: SqliteSearchIndex;
  const ids = async (index: string, text: string): Promise<string[]> => (await si.query(index, { text, limit: 1000 })).items.map((d) => d.id).sort();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-search-writes-'));
    si = new SqliteSearchIndex(join(dir, 'search.db'));
  });
  afterEach(async () => {
    await si.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the words of a replaced document (old words no longer match), in both text fields', async () => {
    await si.createIndex('ix', DEF);
    await si.upsert('ix', [{ id: 'a', title: 'red widget', tags: 'sale' }, { id: 'b', title: 'blue widget', tags: 'new' }]);
    await si.upsert('ix', [{ id: 'a', title: 'green gadget', tags: 'clearance' }]);
    assert.deepEqual(await ids('ix', 'widget'), ['b']);
    assert.deepEqual(await ids('ix', 'red'), []);
    assert.deepEqual(await ids('ix', 'sale'), []);
    assert.deepEqual(await ids('ix', 'gadget'), ['a']);
    assert.deepEqual(await ids('ix', 'clearance'), ['a']);
    assert.deepEqual(await si.get('ix', 'a'), { id: 'a', title: 'green gadget', tags: 'clearance' });
  });

  it('keeps the last of several documents with one id in a single upsert, with only its words', async () => {
    await si.createIndex('ix', DEF);
    await si.upsert('ix', [{ id: 'a', title: 'first' }, { id: 'b', title: 'other' }, { id: 'a', title: 'second' }, { id: 'a', title: 'third', n: 3 }]);
    assert.deepEqual(await si.get('ix', 'a'), { id: 'a', title: 'third', n: 3 });
    assert.deepEqual(await ids('ix', 'first'), []);
    assert.deepEqual(await ids('ix', 'second'), []);
    assert.deepEqual(await ids('ix', 'third'), ['a']);
    assert.equal((await si.query('ix', {})).total, 2);
  });

  it('a text field set to absent or null drops its words', async () => {
    await si.createIndex('ix', DEF);
    await si.upsert('ix', [{ id: 'a', title: 'alpha', tags: 'beta' }]);
    await si.upsert('ix', [{ id: 'a', title: null }]);
    assert.deepEqual(await ids('ix', 'alpha'), []);
    assert.deepEqual(await ids('ix', 'beta'), []);
  });

  it('deleted documents leave no words behind, and a re-created id gets only its new words', async () => {
    await si.createIndex('ix', DEF);
    await si.upsert('ix', [{ id: 'a', title: 'alpha' }]);
    await si.delete('ix', ['a']);
    assert.deepEqual(await ids('ix', 'alpha'), []);
    await si.upsert('ix', [{ id: 'a', title: 'omega' }]);
    assert.deepEqual(await ids('ix', 'alpha'), []);
    assert.deepEqual(await ids('ix', 'omega'), ['a']);
  });

  it('writes to the new tables after an index is dropped and created again under the same name', async () => {
    await si.createIndex('ix', DEF);
    await si.upsert('ix', [{ id: 'a', title: 'before' }]);
    await si.dropIndex('ix');
    await si.createIndex('ix', { fields: [{ name: 'title', type: 'text' }] });
    await si.upsert('ix', [{ id: 'b', title: 'after' }]);
    assert.deepEqual(await ids('ix', 'after'), ['b']);
    assert.deepEqual(await ids('ix', 'before'), []);
    assert.equal((await si.query('ix', {})).total, 1);
  });

  it('an index dropped by another connection is reported as not found, then usable once re-created there', async () => {
    await si.createIndex('ix', DEF);
    await si.upsert('ix', [{ id: 'a', title: 'one' }]);
    const other = new SqliteSearchIndex(join(dir, 'search.db'));
    try {
      await other.dropIndex('ix');
      await assert.rejects(si.upsert('ix', [{ id: 'b', title: 'two' }]), isIndexNotFoundError);
      await other.createIndex('ix', DEF);
      await si.upsert('ix', [{ id: 'c', title: 'three' }]);
      assert.deepEqual(await ids('ix', 'three'), ['c']);
      assert.deepEqual((await other.query('ix', {})).items.map((d) => d.id), ['c']);
      // Dropped and created again there between two calls here: found under its new tables.
      await other.dropIndex('ix');
      await other.createIndex('ix', DEF);
      await si.upsert('ix', [{ id: 'd', title: 'four' }]);
      assert.deepEqual((await other.query('ix', {})).items.map((d) => d.id), ['d']);
    } finally {
      await other.close();
    }
  });
});
