/** SqliteSearchIndex (SQLite FTS5) against the SearchIndex conformance suite, on a temporary file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchIndexContract } from '../contracts/searchIndexContract';
import { SqliteSearchIndex } from '../../runtime/adapters/local/SqliteSearchIndex';

searchIndexContract('SqliteSearchIndex', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-search-'));
  return { index: new SqliteSearchIndex(join(dir, 'search.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
