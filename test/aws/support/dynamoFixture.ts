/**
 * DynamoDB Local fixture for the AWS int tests: one server per test file, fresh uniquely named
 * tables per case (cheap on an in-memory server), clients with dummy credentials, and the loud
 * skip when Java or the jar is missing.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createNexusTables, type NexusTableNames } from '../../../runtime/adapters/aws/dynamoDbSchema';
import { dynamoDbLocalUnavailable, startDynamoDbLocal } from '../../servers/dynamodb';
import { loudSkip, type RunningServer } from './processServer';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface DynamoFixture {
  readonly server: () => RunningServer;
  client(): DynamoDBClient;
  freshTables(withConnections?: boolean): Promise<NexusTableNames>;
}

/** Registers before/after hooks in the current describe; skips the suite loudly without Java. */
export function useDynamoDbLocal(suite: string): DynamoFixture {
  let server: RunningServer | undefined;
  let shared: DynamoDBClient | undefined;
  before(async function () {
    this.timeout(90_000);
    const missing = dynamoDbLocalUnavailable();
    if (missing) {
      loudSkip(suite, missing);
      this.skip();
    }
    server = await startDynamoDbLocal();
  });
  after(async function () {
    this.timeout(20_000);
    shared?.destroy();
    await server?.stop();
  });
  const client = (): DynamoDBClient => {
    if (!server) throw new Error('DynamoDB Local is not running');
    shared ??= new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    return shared;
  };
  return {
    server: () => server!,
    client,
    freshTables: async (withConnections = false) => {
      const id = randomUUID().slice(0, 8);
      const names = {
        eventsTable: `events-${id}`, snapshotsTable: `snapshots-${id}`, checkpointsTable: `checkpoints-${id}`,
        ...(withConnections ? { connectionsTable: `connections-${id}` } : {}),
      };
      await createNexusTables(client(), names);
      return names;
    },
  };
}
