/** InMemorySearchIndex against the SearchIndex conformance suite. */
import { searchIndexContract } from '../contracts/searchIndexContract';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';

searchIndexContract('InMemorySearchIndex', async () => ({ index: new InMemorySearchIndex(), cleanup: async () => undefined }));
