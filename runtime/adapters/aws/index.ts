/**
 * Adapter factories of the aws module, keyed by manifest kind (see ../types.ts). Each factory
 * requires its adapter (and so its SDK) only when called, so a stack that uses DynamoDB but not
 * OpenSearch never loads the OpenSearch client.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { AdapterContext, AdapterFactories } from '../types';
import type { EventBusManifest } from '../../manifest';
import { InvalidArgumentError, type EventBus } from '../../ports';
import { clientConfig, sharedClient } from './awsClients';

type DynamoSection = { readonly region: string; readonly endpoint?: string };

function dynamo(section: DynamoSection, ctx: AdapterContext) {
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return sharedClient('dynamodb', clientConfig(section, ctx), (c) => new DynamoDBClient(c));
}

type BusSection = Extract<EventBusManifest, { kind: 'kinesis+sns' }>;

/** The kinesis+sns bus: Kinesis core path, SNS→SQS non-critical path, one DLQ view over both. */
function kinesisSnsBus(config: BusSection, ctx: AdapterContext): EventBus {
  const { KinesisClient } = require('@aws-sdk/client-kinesis') as typeof import('@aws-sdk/client-kinesis');
  const { SQSClient } = require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
  const { SNSClient } = require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');
  const { NodeHttpHandler } = require('@smithy/node-http-handler') as typeof import('@smithy/node-http-handler');
  const { KinesisEventBus } = require('./KinesisEventBus') as typeof import('./KinesisEventBus');
  const { SnsSqsEventBus } = require('./SnsSqsEventBus') as typeof import('./SnsSqsEventBus');
  const { KinesisSnsEventBus } = require('./KinesisSnsEventBus') as typeof import('./KinesisSnsEventBus');
  const { SnsTopicPublisher } = require('./snsPublisher') as typeof import('./snsPublisher');
  const { DynamoDbCheckpointStore } = require('./DynamoDbCheckpointStore') as typeof import('./DynamoDbCheckpointStore');
  if (!config.checkpointsTable) {
    throw new InvalidArgumentError('manifest.bus.checkpointsTable', 'the kinesis+sns bus needs a DynamoDB table for consumer-group checkpoints');
  }
  const cfg = clientConfig(config, ctx);
  // HTTP/1.1 with timeouts: a hung GetRecords must not stall a shard consumer forever.
  const kinesis = sharedClient('kinesis', cfg, (c) => new KinesisClient({ ...c, requestHandler: new NodeHttpHandler({ requestTimeout: 30_000 }) }));
  const sqs = sharedClient('sqs', cfg, (c) => new SQSClient(c));
  const sns = sharedClient('sns', cfg, (c) => new SNSClient(c));
  const checkpoints = new DynamoDbCheckpointStore({ client: dynamo(config, ctx), table: config.checkpointsTable });
  const dlqs = () => Object.values(config.queues).map((q) => q.dlqUrl);
  const core = new KinesisEventBus({ kinesis, sqs, stream: config.stream, coreDlqUrl: config.coreDlqUrl, checkpoints, clock: ctx.clock, startSkewMs: 2000 });
  const noncritical = new SnsSqsEventBus({
    sqs, publisher: new SnsTopicPublisher(sns, config.topicArn), clock: ctx.clock, knownDlqs: dlqs, queues: async (group) => config.queues[group],
  });
  return new KinesisSnsEventBus({ core, noncritical, sqs, coreDlqUrl: config.coreDlqUrl, knownDlqs: dlqs });
}

export const factories: AdapterFactories = {
  eventStore: {
    dynamodb: async (config, ctx) => {
      const { DynamoDbEventStore } = require('./DynamoDbEventStore') as typeof import('./DynamoDbEventStore');
      return new DynamoDbEventStore({ client: dynamo(config, ctx), table: config.eventsTable, clock: ctx.clock });
    },
  },
  snapshotStore: {
    dynamodb: async (config, ctx) => {
      const { DynamoDbSnapshotStore } = require('./DynamoDbSnapshotStore') as typeof import('./DynamoDbSnapshotStore');
      return new DynamoDbSnapshotStore({ client: dynamo(config, ctx), table: config.snapshotsTable });
    },
  },
  checkpointStore: {
    dynamodb: async (config, ctx) => {
      const { DynamoDbCheckpointStore } = require('./DynamoDbCheckpointStore') as typeof import('./DynamoDbCheckpointStore');
      return new DynamoDbCheckpointStore({ client: dynamo(config, ctx), table: config.checkpointsTable });
    },
  },
  idempotencyStore: {
    dynamodb: async (config, ctx) => {
      const { DynamoDbIdempotencyStore } = require('./DynamoDbIdempotencyStore') as typeof import('./DynamoDbIdempotencyStore');
      return new DynamoDbIdempotencyStore({ client: dynamo(config, ctx), table: config.checkpointsTable, clock: ctx.clock });
    },
  },
  bus: {
    'kinesis+sns': async (config, ctx) => kinesisSnsBus(config, ctx),
  },
  registry: {
    glue: async (config, ctx) => {
      const { GlueClient } = require('@aws-sdk/client-glue') as typeof import('@aws-sdk/client-glue');
      const { GlueSchemaRegistry } = require('./GlueSchemaRegistry') as typeof import('./GlueSchemaRegistry');
      return new GlueSchemaRegistry({ client: sharedClient('glue', clientConfig(config, ctx), (c) => new GlueClient(c)), registryName: config.registryName });
    },
  },
  search: {
    opensearch: async (config, ctx) => {
      const { Client } = require('@opensearch-project/opensearch') as typeof import('@opensearch-project/opensearch');
      const { AwsSigv4Signer } = require('@opensearch-project/opensearch/aws') as typeof import('@opensearch-project/opensearch/aws');
      const { OpenSearchSearchIndex } = require('./OpenSearchSearchIndex') as typeof import('./OpenSearchSearchIndex');
      // SigV4 with the SDK's default credential chain (taken from an SDK client's resolved config).
      const credentials = dynamo(config, ctx).config.credentials;
      const signer = AwsSigv4Signer({ region: config.region, service: 'es', getCredentials: () => credentials() });
      return new OpenSearchSearchIndex({ client: new Client({ ...signer, node: config.endpoint }) });
    },
  },
  notifier: {
    'apigateway-websocket': async (config, ctx) => {
      const { ApiGatewayManagementApiClient } = require('@aws-sdk/client-apigatewaymanagementapi') as typeof import('@aws-sdk/client-apigatewaymanagementapi');
      const { ApiGatewayWebSocketNotifier } = require('./ApiGatewayWebSocketNotifier') as typeof import('./ApiGatewayWebSocketNotifier');
      const management = sharedClient('apigw', { ...clientConfig(config, ctx), endpoint: config.managementEndpoint }, (c) => new ApiGatewayManagementApiClient(c));
      return new ApiGatewayWebSocketNotifier({ dynamodb: dynamo(config, ctx), table: config.connectionsTable, management, clock: ctx.clock });
    },
  },
};
