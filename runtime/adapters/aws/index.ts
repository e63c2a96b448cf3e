/**
 * Adapter factories of the aws module, keyed by manifest kind (see ../types.ts). Each factory
 * requires its adapter (and so its SDK) only when called, so a stack that uses DynamoDB but not
 * OpenSearch never loads the OpenSearch client.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { AdapterFactories } from '../types';
import { clientConfig, sharedClient } from './awsClients';

type DynamoSection = { readonly region: string; readonly endpoint?: string };

function dynamo(section: DynamoSection, ctx: Parameters<typeof clientConfig>[1]) {
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return sharedClient('dynamodb', clientConfig(section, ctx), (c) => new DynamoDBClient(c));
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
};
