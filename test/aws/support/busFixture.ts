/**
 * The `kinesis+sns` bus assembled on local servers for the int tests: kinesalite (core path),
 * local-aws-sqs (group queues, DLQs), DynamoDB Local (group checkpoints and shard leases).
 * local-aws-sqs has no SNS, so the SNS topic's fan-out is replaced by SqsFanOutPublisher, which
 * sends each message to every group queue created so far — the SNS call itself is tested at the
 * SDK boundary (snsPublisher.unit.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbCheckpointStore } from '../../../runtime/adapters/aws/DynamoDbCheckpointStore';
import { KinesisEventBus } from '../../../runtime/adapters/aws/KinesisEventBus';
import { SnsSqsEventBus } from '../../../runtime/adapters/aws/SnsSqsEventBus';
import { KinesisSnsEventBus } from '../../../runtime/adapters/aws/KinesisSnsEventBus';
import type { FanOutPublisher } from '../../../runtime/adapters/aws/snsPublisher';
import type { GroupQueues } from '../../../runtime/adapters/aws/sqsGroupConsumer';
import { LOCAL_CREDENTIALS } from './dynamoFixture';

export function kinesisClient(endpoint: string): KinesisClient {
  // kinesalite speaks HTTP/1.1 only: the SDK's default HTTP/2 handler fails with a protocol error.
  return new KinesisClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler() });
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
}

export async function createKinesisStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function createQueue(client: SQSClient, name: string): Promise<string> {
  return (await client.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
}

/** Stands in for SNS → SQS fan-out (raw delivery) on a server without SNS. */
export class SqsFanOutPublisher implements FanOutPublisher {
  readonly queues = new Map<string, GroupQueues>();
  constructor(private readonly client: SQSClient) {}
  async publish(bodies: ReadonlyArray<{ id: string; body: string }>): Promise<void> {
    for (const q of this.queues.values()) {
      for (const b of bodies) await this.client.send(new SendMessageCommand({ QueueUrl: q.queueUrl, MessageBody: b.body }));
    }
  }
}

export interface BusServers {
  readonly kinesis: KinesisClient;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
  readonly checkpointsTable: string;
}

/** A fresh stream, core DLQ and group-queue namespace per call; group queues appear on first subscribe. */
export async function freshBus(s: BusServers, options: { shards?: number } = {}) {
  const id = randomUUID().slice(0, 8);
  const stream = `nexus-core-${id}`;
  await createKinesisStream(s.kinesis, stream, options.shards ?? 2);
  const coreDlqUrl = await createQueue(s.sqs, `nexus-core-dlq-${id}`);
  const checkpoints = new DynamoDbCheckpointStore({ client: s.dynamo, table: s.checkpointsTable });
  const fanOut = new SqsFanOutPublisher(s.sqs);
  const make = () => {
    const core = new KinesisEventBus({
      kinesis: s.kinesis, sqs: s.sqs, stream, coreDlqUrl, checkpoints, pollIntervalMs: 50, leaseMs: 3000,
      retryDelay: { baseDelayMs: 20, maxDelayMs: 200 }, onError: (e) => console.error('bus error', e),
    });
    const noncritical = new SnsSqsEventBus({
      sqs: s.sqs, publisher: fanOut, waitSeconds: 1, retryDelay: { baseDelayMs: 1, maxDelayMs: 1 },
      knownDlqs: () => [...fanOut.queues.values()].map((q) => q.dlqUrl),
      queues: async (group) => {
        let q = fanOut.queues.get(group);
        if (!q) {
          q = { queueUrl: await createQueue(s.sqs, `${group}-${id}`), dlqUrl: await createQueue(s.sqs, `${group}-${id}-dlq`) };
          fanOut.queues.set(group, q);
        }
        return q;
      },
    });
    const bus = new KinesisSnsEventBus({
      core, noncritical, sqs: s.sqs, coreDlqUrl, knownDlqs: () => [...fanOut.queues.values()].map((q) => q.dlqUrl),
    });
    return { bus, core, noncritical };
  };
  return { stream, coreDlqUrl, checkpoints, fanOut, make };
}
