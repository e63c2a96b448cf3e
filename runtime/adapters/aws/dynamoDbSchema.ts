/**
 * The DynamoDB key design of the Nexus tables (ADR 0050), in one place: attribute names, index
 * names, and CreateTable inputs. The Pulumi AWS provider must create the real tables with exactly
 * these key schemas and indexes; tests create them on DynamoDB Local with `createNexusTables`.
 *
 * events table       pk S (stream id | "$log#<shard>") + sk S ("$head" | event id)
 *   LSI byVersion    pk + v N      stream reads in version order, strongly consistent
 *   GSI log          lp S + ls N   the global log: per-shard gap-free sequence (read-all)
 *   Streams          NEW_IMAGE     feeds the relay (DynamoDbStreamsRelay)
 * snapshots table    pk S (stream id) + v N (stream version)
 * checkpoints table  pk S ("cp" | "idem#<key>") + sk S (checkpoint name | "-"), TTL on `ttl`
 * connections table  pk S ("<tenant>#<channel>" | "conn#<connection id>"), string sets of members,
 *                    TTL on `ttl` — API Gateway WebSocket subscriptions
 */
import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const ATTR = {
  pk: 'pk', sk: 'sk', version: 'v', logShard: 'lp', logSeq: 'ls', ttl: 'ttl',
} as const;
export const HEAD_SK = '$head';
export const LSI_BY_VERSION = 'byVersion';
export const GSI_LOG = 'log';
export const CHECKPOINT_PK = 'cp';

export interface NexusTableNames {
  readonly eventsTable: string;
  readonly snapshotsTable: string;
  readonly checkpointsTable: string;
  readonly connectionsTable?: string;
}

export function eventsTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: ATTR.pk, AttributeType: 'S' },
      { AttributeName: ATTR.sk, AttributeType: 'S' },
      { AttributeName: ATTR.version, AttributeType: 'N' },
      { AttributeName: ATTR.logShard, AttributeType: 'S' },
      { AttributeName: ATTR.logSeq, AttributeType: 'N' },
    ],
    KeySchema: [{ AttributeName: ATTR.pk, KeyType: 'HASH' }, { AttributeName: ATTR.sk, KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{
      IndexName: LSI_BY_VERSION,
      KeySchema: [{ AttributeName: ATTR.pk, KeyType: 'HASH' }, { AttributeName: ATTR.version, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
    GlobalSecondaryIndexes: [{
      IndexName: GSI_LOG,
      KeySchema: [{ AttributeName: ATTR.logShard, KeyType: 'HASH' }, { AttributeName: ATTR.logSeq, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

export function snapshotsTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: ATTR.pk, AttributeType: 'S' }, { AttributeName: ATTR.version, AttributeType: 'N' }],
    KeySchema: [{ AttributeName: ATTR.pk, KeyType: 'HASH' }, { AttributeName: ATTR.version, KeyType: 'RANGE' }],
  };
}

export function checkpointsTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: ATTR.pk, AttributeType: 'S' }, { AttributeName: ATTR.sk, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: ATTR.pk, KeyType: 'HASH' }, { AttributeName: ATTR.sk, KeyType: 'RANGE' }],
  };
}

export function connectionsTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: ATTR.pk, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: ATTR.pk, KeyType: 'HASH' }],
  };
}

/** Creates the tables (test/dev helper; production tables come from Pulumi) and waits until ACTIVE. */
export async function createNexusTables(client: DynamoDBClient, names: NexusTableNames): Promise<void> {
  const defs = [
    eventsTableDefinition(names.eventsTable),
    snapshotsTableDefinition(names.snapshotsTable),
    checkpointsTableDefinition(names.checkpointsTable),
    ...(names.connectionsTable ? [connectionsTableDefinition(names.connectionsTable)] : []),
  ];
  for (const def of defs) {
    await client.send(new CreateTableCommand(def));
    for (;;) {
      const d = await client.send(new DescribeTableCommand({ TableName: def.TableName }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
