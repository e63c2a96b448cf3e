/**
 * CDC end to end on real local servers: DynamoDbEventStore appends on DynamoDB Local, the
 * DynamoDB Local Stream is polled, the Lambda-shaped DynamoDbStreamsRelay hands the batch to the
 * relay core, and the events arrive on the kinesis+sns bus (kinesalite + local-aws-sqs) as
 * CloudEvents: core path in per-stream order, routed types on the non-critical path.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbEventStore } from '../../runtime/adapters/aws/DynamoDbEventStore';
import { DynamoDbStreamsPoller } from '../../runtime/adapters/aws/DynamoDbStreamsPoller';
import { dynamoDbStreamsRelay } from '../../runtime/adapters/aws/DynamoDbStreamsRelay';
import { fromEnvelope } from '../../runtime/core/relay';
import type { Delivery } from '../../runtime/ports';
import { waitUntil } from '../contracts/eventBusContract';
import { kinesaliteUnavailable, startKinesalite } from '../servers/kinesalite';
import { sqsUnavailable, startLocalSqs } from '../servers/sqs';
import { LOCAL_CREDENTIALS, useDynamoDbLocal } from './support/dynamoFixture';
import { loudSkip, type RunningServer } from './support/processServer';
import { freshBus, kinesisClient, sqsClient } from './support/busFixture';

describe('DynamoDB Streams relay: DynamoDB Local → Streams → relayBatch → kinesis+sns bus', function () {
  this.timeout(120_000);
  const ddb = useDynamoDbLocal('DynamoDB Streams relay int test (test/aws/streamsRelay.int.test.ts)');
  const servers: RunningServer[] = [];
  let kinesis: KinesisClient;
  let sqs: SQSClient;

  before(async function () {
    const missing = kinesaliteUnavailable() ?? sqsUnavailable();
    if (missing) {
      loudSkip('DynamoDB Streams relay int test (test/aws/streamsRelay.int.test.ts)', missing);
      this.skip();
    }
    const [k, q] = await Promise.all([startKinesalite(), startLocalSqs()]);
    servers.push(k, q);
    kinesis = kinesisClient(k.endpoint);
    sqs = sqsClient(q.endpoint);
  });
  after(async () => {
    kinesis?.destroy();
    sqs?.destroy();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('an append reaches the bus as CloudEvents, in stream order, routed by type, and only event items are relayed', async () => {
    const tables = await ddb.freshTables();
    const store = new DynamoDbEventStore({ client: ddb.client(), table: tables.eventsTable });
    const fx = await freshBus({ kinesis, sqs, dynamo: ddb.client(), checkpointsTable: tables.checkpointsTable });
    const { bus } = fx.make();
    const core: Delivery[] = [];
    const noncritical: Delivery[] = [];
    await bus.subscribe({ group: 'projections', path: 'core', handler: async (d) => void core.push(d) });
    await bus.subscribe({ group: 'analytics', path: 'noncritical', handler: async (d) => void noncritical.push(d) });

    const streams = new DynamoDBStreamsClient({ endpoint: ddb.server().endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const handler = dynamoDbStreamsRelay({ bus, routing: { noncritical: ['OrderViewed'] } });
    const poller = new DynamoDbStreamsPoller({ dynamodb: ddb.client(), streams, table: tables.eventsTable, handler, pollIntervalMs: 50, start: 'LATEST', onError: (e) => console.error('poller', e) });
    await poller.start();
    try {
      const s = `t1:Order-${randomUUID().slice(0, 8)}`;
      const ev = (type: string, n: number) => ({ eventId: randomUUID(), type, schemaVersion: 1, data: { n }, metadata: { tenant: 't1', correlationId: 'c-1' } });
      const first = await store.append(s, [ev('OrderPlaced', 1), ev('ItemAdded', 2)], 'no_stream');
      const second = await store.append(s, [ev('OrderViewed', 3), ev('OrderPaid', 4)], 2);
      await waitUntil('3 core deliveries and 1 non-critical', () => core.length >= 3 && noncritical.length >= 1, 30_000);
      await new Promise((r) => setTimeout(r, 300));

      const stored = [...first.events, ...second.events];
      assert.deepEqual(core.map((d) => d.message.id), [stored[0]!, stored[1]!, stored[3]!].map((e) => e.eventId), 'core path in stream order');
      assert.deepEqual(noncritical.map((d) => d.message.id), [stored[2]!.eventId]);
      for (const d of [...core, ...noncritical]) {
        assert.equal(d.message.partitionKey, s);
        assert.equal(d.message.envelope.subject, s);
        const back = fromEnvelope(d.message.envelope);
        assert.deepEqual(back, stored.find((e) => e.eventId === d.message.id), 'the CloudEvent carries the stored event intact');
      }
    } finally {
      await poller.close();
      await bus.close();
      streams.destroy();
    }
  });
});
