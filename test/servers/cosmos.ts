/**
 * Cosmos DB test server: @vercel/cosmosdb-server (npm, in-memory) started with `--no-ssl` on a
 * random free port in its own process group, killed as a group on stop. Detects a missing
 * package and returns the reason so suites skip loudly. What it lacks (atomic transactional
 * batches, the change feed) is listed in /work/shared/ENVIRONMENT.md and docs/capabilities.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CosmosClient, type Container, type CosmosClientOptions, type PluginConfig } from '@azure/cosmos';
import { freePort, loudSkip, startProcessServer, type RunningServer } from '../aws/support/processServer';

export const COSMOSDB_SERVER_CLI = join(__dirname, '..', '..', 'node_modules', '@vercel', 'cosmosdb-server', 'lib', 'cli.js');

/** cosmosdb-server accepts any key; the SDK only needs one to sign requests. */
export const COSMOS_TEST_KEY = 'bm90LWEtcmVhbC1rZXk=';

export function cosmosServerUnavailable(): string | undefined {
  if (!existsSync(COSMOSDB_SERVER_CLI)) return `@vercel/cosmosdb-server not found at ${COSMOSDB_SERVER_CLI}`;
  return undefined;
}

export async function startCosmosServer(): Promise<RunningServer> {
  const port = await freePort();
  return startProcessServer('cosmosdb-server', process.execPath, [COSMOSDB_SERVER_CLI, '--no-ssl', '--host', '127.0.0.1', '-p', String(port)], port, 30_000);
}

/**
 * A client for the local server (HTTP, no endpoint discovery: the server has one region).
 * `plugins` (request hooks, used to count requests) is a constructor option the SDK reads but
 * leaves out of its public typings.
 */
export function cosmosClient(server: RunningServer, plugins?: PluginConfig[]): CosmosClient {
  const options: CosmosClientOptions & { plugins?: PluginConfig[] } = {
    endpoint: server.endpoint,
    key: COSMOS_TEST_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
    ...(plugins ? { plugins } : {}),
  };
  return new CosmosClient(options);
}

/** Creates (if absent) a database and a container with the given partition key path. */
export async function ensureContainer(client: CosmosClient, database: string, id: string, partitionKey: string): Promise<Container> {
  const { database: db } = await client.databases.createIfNotExists({ id: database });
  const { container } = await db.containers.createIfNotExists({ id, partitionKey: { paths: [partitionKey] } });
  return container;
}

/**
 * Mocha helper: starts the server in `before` (or prints the loud skip notice naming `suite` and
 * skips it when the package is missing), stops it in `after`. Returns a getter for the server.
 */
export function useCosmosServer(suite: string): () => RunningServer {
  let server: RunningServer | undefined;
  before(async function () {
    const reason = cosmosServerUnavailable();
    if (reason) {
      loudSkip(suite, reason);
      this.skip();
    }
    this.timeout(60_000);
    server = await startCosmosServer();
  });
  after(async function () {
    this.timeout(15_000);
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error(`${suite}: cosmosdb-server is not running`);
    return server;
  };
}
