/**
 * DynamoDB SDK errors → the ports' errors, at the SDK boundary (aws-sdk-client-mock), for the
 * answers DynamoDB Local cannot be made to give on demand: throttling, request limits, oversize
 * items, a transaction conflict that never clears. Plus the aws module's factories by kind.
 */
import assert from 'node:assert/strict';
import {
  DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, QueryCommand, RequestLimitExceeded, TransactWriteItemsCommand,
  TransactionCanceledException, PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbEventStore } from '../../runtime/adapters/aws/DynamoDbEventStore';
import { DynamoDbCheckpointStore } from '../../runtime/adapters/aws/DynamoDbCheckpointStore';
import { DynamoDbSnapshotStore } from '../../runtime/adapters/aws/DynamoDbSnapshotStore';
import { factories } from '../../runtime/adapters/aws';
import { KIND_MODULES } from '../../runtime/adapters/registry';
import { isConcurrencyError, isSnapshotTooLargeError, isUnavailableError, ManualClock, randomIds } from '../../runtime/ports';

const meta = { $metadata: { httpStatusCode: 400 } };
const ev = (id: string) => ({ eventId: id, type: 'OrderPlaced', schemaVersion: 1, data: { id } });

function setup() {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  return { client, mock: mockClient(client) };
}

describe('DynamoDB adapters: SDK errors translated into port errors', () => {
  it('ProvisionedThroughputExceeded and RequestLimitExceeded become the retryable UnavailableError', async () => {
    const { client, mock } = setup();
    mock.on(TransactWriteItemsCommand).rejects(new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded', ...meta }));
    mock.on(GetItemCommand).rejects(new RequestLimitExceeded({ message: 'Throughput exceeds the current throughput limit for your account', ...meta }));
    const store = new DynamoDbEventStore({ client, table: 'events' });
    await assert.rejects(store.append('t1:Order-1', [ev('a')], 0), (e: unknown) => isUnavailableError(e) && e.retryable && /throughput/.test(e.message));
    const cps = new DynamoDbCheckpointStore({ client, table: 'checkpoints' });
    await assert.rejects(cps.get('x'), (e: unknown) => isUnavailableError(e) && e.retryable);
  });

  it('a cancelled transaction names expected and actual (from ALL_OLD), without another read', async () => {
    const { client, mock } = setup();
    mock.on(TransactWriteItemsCommand).rejects(new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { hv: { N: '7' }, ua: { S: '2026-01-01T00:00:00.000Z' } } }, { Code: 'None' }, { Code: 'None' }],
      ...meta,
    }));
    const store = new DynamoDbEventStore({ client, table: 'events' });
    await assert.rejects(store.append('t1:Order-1', [ev('a')], 3), (e: unknown) => isConcurrencyError(e) && e.expected === 3 && e.actual === 7);
    assert.equal(mock.commandCalls(QueryCommand).length + mock.commandCalls(GetItemCommand).length, 0);
  });

  it('a transaction conflict that never clears ends in UnavailableError after maxAttempts', async () => {
    const { client, mock } = setup();
    mock.on(TransactWriteItemsCommand).rejects(new TransactionCanceledException({
      message: 'Transaction cancelled [None, None, TransactionConflict]',
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
      ...meta,
    }));
    const store = new DynamoDbEventStore({ client, table: 'events', maxAttempts: 3 });
    await assert.rejects(store.append('t1:Order-1', [ev('a')], 0), (e: unknown) => isUnavailableError(e) && /3 attempts/.test(e.message));
    assert.equal(mock.commandCalls(TransactWriteItemsCommand).length, 3);
  });

  it('an item DynamoDB finds too large (ValidationException) becomes SnapshotTooLargeError', async () => {
    const { client, mock } = setup();
    mock.on(PutItemCommand).rejects(Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' }));
    const store = new DynamoDbSnapshotStore({ client, table: 'snapshots' });
    await assert.rejects(store.save({ streamId: 't1:Order-1', aggregateType: 'Order', version: 1, stateVersion: 1, state: { a: 1 }, takenAt: '2026-01-01T00:00:00.000Z' }), isSnapshotTooLargeError);
  });
});

describe('aws adapter factories', () => {
  it('serve every manifest kind that KIND_MODULES maps to the aws module', async () => {
    const ctx = { clock: new ManualClock(), ids: randomIds, secrets: { 'aws.accessKeyId': 'x', 'aws.secretAccessKey': 'y' } };
    const awsKinds = Object.entries(KIND_MODULES).flatMap(([section, kinds]) => Object.entries(kinds).filter(([, m]) => m === 'aws').map(([k]) => `${section}:${k}`));
    assert.deepEqual(awsKinds.sort(), ['bus:kinesis+sns', 'eventStore:dynamodb', 'notifications:apigateway-websocket', 'registry:glue', 'search:opensearch']);
    const store = { kind: 'dynamodb' as const, region: 'eu-west-1', eventsTable: 'e', snapshotsTable: 's', checkpointsTable: 'c' };
    for (const port of ['eventStore', 'snapshotStore', 'checkpointStore', 'idempotencyStore'] as const) {
      const made = await factories[port]!.dynamodb!(store, ctx);
      assert.equal(typeof made.close, 'function');
    }
    const bus = await factories.bus!['kinesis+sns']!({
      kind: 'kinesis+sns', region: 'eu-west-1', stream: 's', topicArn: 'arn:aws:sns:eu-west-1:1:t', queues: {}, coreDlqUrl: 'https://sqs/1/dlq', checkpointsTable: 'c',
    }, ctx);
    assert.equal(typeof bus.publish, 'function');
    await assert.rejects(factories.bus!['kinesis+sns']!({ kind: 'kinesis+sns', region: 'eu-west-1', stream: 's', topicArn: 'arn:aws:sns:x', queues: {}, coreDlqUrl: 'https://q' }, ctx), /checkpointsTable/);
    assert.ok(await factories.registry!.glue!({ kind: 'glue', region: 'eu-west-1', registryName: 'r' }, ctx));
    assert.ok(await factories.search!.opensearch!({ kind: 'opensearch', region: 'eu-west-1', endpoint: 'https://search.example' }, ctx));
    assert.ok(await factories.notifier!['apigateway-websocket']!({ kind: 'apigateway-websocket', region: 'eu-west-1', managementEndpoint: 'https://x.execute-api.eu-west-1.amazonaws.com/prod', connectionsTable: 'conn' }, ctx));
  });
});
