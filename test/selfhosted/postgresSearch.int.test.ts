/**
 * The shared SearchIndex conformance suite against PostgreSQL 15 (tsvector full text, jsonb
 * documents), each case in a fresh schema of a database created and dropped by this suite.
 */
import { PostgresSearchIndex } from '../../runtime/adapters/selfhosted/PostgresSearchIndex';
import { searchIndexContract } from '../contracts/searchIndexContract';
import { usePostgres } from './pgFixture';

describe('PostgresSearchIndex on PostgreSQL 15', function () {
  this.timeout(60_000);
  const pg = usePostgres('SearchIndex contract for PostgresSearchIndex (test/selfhosted/postgresSearch.int.test.ts)');
  searchIndexContract('PostgresSearchIndex', async () => {
    const index = new PostgresSearchIndex({ connection: pg.connect() });
    return { index, cleanup: () => index.close() };
  });
});
