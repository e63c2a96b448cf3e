/**
 * The shared SchemaRegistry conformance suite against ConfluentSchemaRegistry talking HTTP to
 * the Nexus registry API (runtime/http/registry, Confluent-compatible) served on a random port
 * over a LocalSchemaRegistry in a temporary SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import { ConfluentSchemaRegistry } from '../../runtime/adapters/selfhosted/ConfluentSchemaRegistry';
import { startRegistryServer } from '../../runtime/http/registry';
import { schemaRegistryContract } from '../contracts/schemaRegistryContract';

schemaRegistryContract('ConfluentSchemaRegistry over the Nexus registry API', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-confluent-'));
  const local = await LocalSchemaRegistry.open({ path: join(dir, 'registry.db') });
  const { app, url } = await startRegistryServer({ registry: local });
  const registry = new ConfluentSchemaRegistry({ url });
  return {
    registry,
    cleanup: async () => {
      await registry.close();
      await app.close();
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
