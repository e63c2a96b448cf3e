/**
 * The shared EventBus conformance suite against the `kinesis+sns` bus on real local servers:
 * kinesalite (Kinesis API) for the core path, local-aws-sqs for group queues and DLQs, DynamoDB
 * Local for group checkpoints and shard leases. Only SNS's fan-out is substituted (no local SNS).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { eventBusContract } from '../contracts/eventBusContract';
import { kinesaliteUnavailable, startKinesalite } from '../servers/kinesalite';
import { sqsUnavailable, startLocalSqs } from '../servers/sqs';
import { KINESIS_MAX_RECORD_BYTES } from '../../runtime/adapters/aws/KinesisEventBus';
import { useDynamoDbLocal } from './support/dynamoFixture';
import { loudSkip, type RunningServer } from './support/processServer';
import { freshBus, kinesisClient, sqsClient } from './support/busFixture';

describe('kinesis+sns EventBus on kinesalite + local-aws-sqs + DynamoDB Local', function () {
  this.timeout(120_000);
  const ddb = useDynamoDbLocal('kinesis+sns EventBus conformance suite (test/aws/bus.int.test.ts)');
  const servers: RunningServer[] = [];
  let kinesis: KinesisClient;
  let sqs: SQSClient;
  let dynamo: DynamoDBClient;
  let checkpointsTable: string;

  before(async function () {
    const missing = kinesaliteUnavailable() ?? sqsUnavailable();
    if (missing) {
      loudSkip('kinesis+sns EventBus conformance suite (test/aws/bus.int.test.ts)', missing);
      this.skip();
    }
    const [k, q] = await Promise.all([startKinesalite(), startLocalSqs()]);
    servers.push(k, q);
    kinesis = kinesisClient(k.endpoint);
    sqs = sqsClient(q.endpoint);
    dynamo = ddb.client();
    checkpointsTable = (await ddb.freshTables()).checkpointsTable;
  });
  after(async () => {
    kinesis?.destroy();
    sqs?.destroy();
    await Promise.all(servers.map((s) => s.stop()));
  });

  eventBusContract('KinesisSnsEventBus', async () => {
    const fx = await freshBus({ kinesis, sqs, dynamo, checkpointsTable });
    const open = [fx.make().bus];
    return {
      bus: open[0]!,
      // Durable: a new bus over the same stream, queues and DynamoDB checkpoints (a restart).
      reopen: async () => {
        const b = fx.make().bus;
        open.push(b);
        return b;
      },
      cleanup: async () => {
        for (const b of open) await b.close();
      },
    };
  }, { timeoutMs: 10_000, maxMessageBytes: KINESIS_MAX_RECORD_BYTES, durable: true });
});
