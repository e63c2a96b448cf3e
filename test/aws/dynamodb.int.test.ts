/**
 * The shared EventStore / SnapshotStore / CheckpointStore / IdempotencyStore conformance suites
 * against DynamoDB Local (the real DynamoDB Local jar on Java): each case gets fresh tables.
 */
import { DynamoDbEventStore } from '../../runtime/adapters/aws/DynamoDbEventStore';
import { DynamoDbSnapshotStore } from '../../runtime/adapters/aws/DynamoDbSnapshotStore';
import { DynamoDbCheckpointStore } from '../../runtime/adapters/aws/DynamoDbCheckpointStore';
import { DynamoDbIdempotencyStore } from '../../runtime/adapters/aws/DynamoDbIdempotencyStore';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { snapshotStoreContract } from '../contracts/snapshotStoreContract';
import { checkpointStoreContract } from '../contracts/checkpointStoreContract';
import { idempotencyStoreContract } from '../contracts/idempotencyStoreContract';
import { useDynamoDbLocal } from './support/dynamoFixture';

describe('DynamoDB adapters on DynamoDB Local', function () {
  this.timeout(120_000);
  const ddb = useDynamoDbLocal('DynamoDB store conformance suites (test/aws/dynamodb.int.test.ts)');

  eventStoreContract('DynamoDbEventStore', async () => {
    const { eventsTable } = await ddb.freshTables();
    const store = new DynamoDbEventStore({ client: ddb.client(), table: eventsTable });
    return { store, cleanup: () => store.close() };
  }, { writers: 4, rounds: 3, eventsPerWriter: 2, slowTimeoutMs: 90_000 });

  snapshotStoreContract('DynamoDbSnapshotStore', async () => {
    const { snapshotsTable } = await ddb.freshTables();
    const store = new DynamoDbSnapshotStore({ client: ddb.client(), table: snapshotsTable });
    return { store, cleanup: () => store.close() };
  });

  checkpointStoreContract('DynamoDbCheckpointStore', async () => {
    const { checkpointsTable } = await ddb.freshTables();
    const store = new DynamoDbCheckpointStore({ client: ddb.client(), table: checkpointsTable });
    return { store, cleanup: () => store.close() };
  }, { writers: 4 });

  idempotencyStoreContract('DynamoDbIdempotencyStore', async () => {
    const { checkpointsTable } = await ddb.freshTables();
    const store = new DynamoDbIdempotencyStore({ client: ddb.client(), table: checkpointsTable });
    return { store, cleanup: () => store.close() };
  }, { writers: 4 });
});
