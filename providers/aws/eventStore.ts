/**
 * AWS EventStore: DynamoDB tables for events (with Streams feeding the relay), snapshots and
 * checkpoints + idempotency records (TTL on `ttl`), all PAY_PER_REQUEST, encrypted with a CMK,
 * point-in-time recovery on, deletion protection outside dev. Key schemas match the adapter's
 * runtime/adapters/aws/dynamoDbSchema.ts (a unit test compares them). Events never get a TTL.
 */
import * as pulumi from '@pulumi/pulumi';
import * as dynamodb from '@pulumi/aws/dynamodb';
import type { EventStoreArgs } from '../../components/args';
import type { EventStoreOutputs } from '../../components/outputs';
import { childName } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { awsTags, customerKey } from './common';
import type { Placement } from '../../components/args';
import type * as kms from '@pulumi/aws/kms';

/** Settings every Nexus table shares: on-demand, CMK encryption, PITR, deletion protection. */
export function tableBase(placement: Placement, key: kms.Key, component: string): Partial<dynamodb.TableArgs> {
  return {
    region: placement.region,
    billingMode: 'PAY_PER_REQUEST',
    serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: placement.deletionProtection,
    tags: awsTags(placement, component),
  };
}

export function awsEventStore(name: string, args: EventStoreArgs, parent: pulumi.ComponentResource): EventStoreOutputs {
  const { placement } = args;
  const key = customerKey(childName(name, 'key'), 'nexus event store', placement, parent);
  const base = tableBase(placement, key, 'eventstore');
  const protect = { parent, protect: placement.deletionProtection };

  const events = new dynamodb.Table(childName(name, 'events'), {
    ...base,
    hashKey: 'pk',
    rangeKey: 'sk',
    attributes: [
      { name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }, { name: 'v', type: 'N' }, { name: 'lp', type: 'S' }, { name: 'ls', type: 'N' },
    ],
    localSecondaryIndexes: [{ name: 'byVersion', rangeKey: 'v', projectionType: 'ALL' }],
    globalSecondaryIndexes: [{ name: 'log', hashKey: 'lp', rangeKey: 'ls', projectionType: 'ALL' }],
    streamEnabled: true,
    streamViewType: 'NEW_IMAGE',
  }, protect);

  const snapshots = new dynamodb.Table(childName(name, 'snapshots'), {
    ...base,
    hashKey: 'pk',
    rangeKey: 'v',
    attributes: [{ name: 'pk', type: 'S' }, { name: 'v', type: 'N' }],
  }, protect);

  const checkpoints = new dynamodb.Table(childName(name, 'checkpoints'), {
    ...base,
    hashKey: 'pk',
    rangeKey: 'sk',
    attributes: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }],
    // Idempotency records carry `ttl`; checkpoints do not, so they never expire.
    ttl: { attributeName: 'ttl', enabled: true },
  }, protect);

  return {
    manifest: pulumi.all([events.name, snapshots.name, checkpoints.name]).apply(([e, s, c]) => ({
      kind: 'dynamodb' as const, region: placement.region, eventsTable: e, snapshotsTable: s, checkpointsTable: c,
    })),
    refs: {
      keyArn: key.arn,
      eventsTableName: events.name,
      eventsTableArn: events.arn,
      eventsStreamArn: events.streamArn,
      snapshotsTableArn: snapshots.arn,
      checkpointsTableArn: checkpoints.arn,
      idempotencyTtlHours: pulumi.output(args.idempotencyTtlHours ?? DEFAULTS.idempotencyTtlHours).apply(String),
    },
  };
}
