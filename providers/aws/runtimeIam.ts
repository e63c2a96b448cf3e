/**
 * Least-privilege IAM for the runtime functions, as a pure function of resolved ARNs (tested
 * without mocks): each function role gets only the actions its handler uses, on the exact
 * tables, indexes, stream, topic, queues, schemas, domain and keys — no wildcard actions and no
 * wildcard resources on data stores. Logs, X-Ray and VPC ENIs come from AWS managed policies.
 * Sagas issue commands through the command handler, so saga consumers and the saga timeout
 * scheduler hold the command path's grants (events, snapshots, idempotency, checkpoints).
 */
import type { PolicyStatement } from './common';

export type FunctionRole =
  | { readonly kind: 'api' }
  | { readonly kind: 'relay' }
  | { readonly kind: 'snapshots' }
  | { readonly kind: 'sagaTimeouts' }
  | { readonly kind: 'consumer'; readonly group: string };

/** The functions an EventBridge schedule invokes (./runtimeSchedule.ts). */
export type ScheduledKind = 'snapshots' | 'sagaTimeouts';

export interface RuntimeArns {
  readonly eventsTable: string;
  readonly eventsStream: string;
  readonly snapshotsTable: string;
  readonly checkpointsTable: string;
  readonly connectionsTable: string;
  readonly storeKey: string;
  readonly busKey: string;
  readonly notificationsKey: string;
  readonly stream: string;
  readonly topic: string;
  readonly coreDlq: string;
  /** Scheduled function → its dead-letter queue (EventBridge delivery and Lambda async on-failure). */
  readonly schedulerDlqs: Readonly<Record<ScheduledKind, string>>;
  /** Consumer group → { queue, dlq } ARNs. */
  readonly queues: Readonly<Record<string, { readonly queue: string; readonly dlq: string }>>;
  readonly registry: string;
  readonly schemas: readonly string[];
  readonly searchDomain: string;
  /** WebSocket API execution ARN and stage, for execute-api:ManageConnections. */
  readonly websocketExecution: string;
  readonly websocketStage: string;
}

/** Sagas issue commands (append events); every other consumer group maintains read models. */
export function isSagaGroup(group: string): boolean {
  return /saga/.test(group);
}

/** Whether a function role runs inside the search VPC (it talks to the OpenSearch domain). */
export function needsVpc(role: FunctionRole): boolean {
  return role.kind === 'api' || (role.kind === 'consumer' && !isSagaGroup(role.group));
}

const EVENTS_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const EVENTS_APPEND = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
const RECORDS_RW = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'];
const REGISTRY_READ = [
  'glue:GetRegistry', 'glue:GetSchema', 'glue:GetSchemaVersion', 'glue:GetSchemaByDefinition', 'glue:ListSchemaVersions',
  'glue:ListSchemas', 'glue:GetTags',
];
const SEARCH_READ = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost'];
const SEARCH_WRITE = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'];
const KINESIS_READ = [
  'kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards',
  'kinesis:SubscribeToShard',
];
const SQS_CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];
const KEY_USE = ['kms:Decrypt', 'kms:GenerateDataKey'];

function eventsTableResources(a: RuntimeArns): string[] {
  return [a.eventsTable, `${a.eventsTable}/index/byVersion`, `${a.eventsTable}/index/log`];
}

const SNAPSHOTS_RW = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'];

/**
 * What a saga needs to run one step: its instance stream and the aggregates its commands load and
 * append to (events), their snapshots (read on load, written by the snapshotter after N events),
 * command idempotency records, its timeout index and instance index (checkpoints table), schemas.
 */
function sagaStatements(a: RuntimeArns, registry: PolicyStatement): PolicyStatement[] {
  return [
    { Sid: 'IssueCommands', Effect: 'Allow', Action: [...EVENTS_READ, ...EVENTS_APPEND], Resource: eventsTableResources(a) },
    { Sid: 'Snapshots', Effect: 'Allow', Action: SNAPSHOTS_RW, Resource: a.snapshotsTable },
    { Sid: 'IdempotencyAndCheckpoints', Effect: 'Allow', Action: RECORDS_RW, Resource: a.checkpointsTable },
    registry,
  ];
}

/** Projections write read models and their checkpoints; they never append events. */
function projectionStatements(a: RuntimeArns, checkpoints: PolicyStatement, registry: PolicyStatement): PolicyStatement[] {
  return [checkpoints, registry, { Sid: 'WriteReadModels', Effect: 'Allow', Action: SEARCH_WRITE, Resource: `${a.searchDomain}/*` }];
}

/** Lambda's async on-failure destination sends with the function's own role. */
function schedulerDeadLetter(kind: ScheduledKind, a: RuntimeArns): PolicyStatement {
  return { Sid: 'DeadLetterFailedRuns', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: a.schedulerDlqs[kind] };
}

export function statementsFor(role: FunctionRole, a: RuntimeArns): PolicyStatement[] {
  const registry: PolicyStatement = { Sid: 'ReadSchemas', Effect: 'Allow', Action: REGISTRY_READ, Resource: [a.registry, ...a.schemas] };
  const checkpoints: PolicyStatement = { Sid: 'Checkpoints', Effect: 'Allow', Action: RECORDS_RW, Resource: a.checkpointsTable };
  switch (role.kind) {
    case 'api':
      return [
        { Sid: 'AppendAndReadEvents', Effect: 'Allow', Action: [...EVENTS_READ, ...EVENTS_APPEND], Resource: eventsTableResources(a) },
        { Sid: 'Snapshots', Effect: 'Allow', Action: SNAPSHOTS_RW, Resource: a.snapshotsTable },
        { ...checkpoints, Sid: 'IdempotencyAndCheckpoints' },
        { Sid: 'Connections', Effect: 'Allow', Action: RECORDS_RW, Resource: a.connectionsTable },
        { Sid: 'PushToConnections', Effect: 'Allow', Action: 'execute-api:ManageConnections', Resource: `${a.websocketExecution}/${a.websocketStage}/POST/@connections/*` },
        { Sid: 'QueryReadModels', Effect: 'Allow', Action: SEARCH_READ, Resource: `${a.searchDomain}/*` },
        registry,
        { Sid: 'UseKeys', Effect: 'Allow', Action: KEY_USE, Resource: [a.storeKey, a.notificationsKey] },
      ];
    case 'relay':
      return [
        { Sid: 'ReadChangeStream', Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], Resource: a.eventsStream },
        { Sid: 'ReadEvents', Effect: 'Allow', Action: EVENTS_READ, Resource: eventsTableResources(a) },
        { Sid: 'PublishCore', Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary'], Resource: a.stream },
        { Sid: 'PublishNonCritical', Effect: 'Allow', Action: 'sns:Publish', Resource: a.topic },
        { Sid: 'DeadLetter', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: a.coreDlq },
        checkpoints,
        registry,
        { Sid: 'UseKeys', Effect: 'Allow', Action: KEY_USE, Resource: [a.storeKey, a.busKey] },
      ];
    case 'snapshots':
      return [
        { Sid: 'ReadEvents', Effect: 'Allow', Action: EVENTS_READ, Resource: eventsTableResources(a) },
        { Sid: 'WriteSnapshots', Effect: 'Allow', Action: SNAPSHOTS_RW, Resource: a.snapshotsTable },
        checkpoints,
        registry,
        schedulerDeadLetter('snapshots', a),
        { Sid: 'UseKeys', Effect: 'Allow', Action: KEY_USE, Resource: [a.storeKey] },
      ];
    case 'sagaTimeouts':
      // The saga consumer's command path without the bus: timeouts come from the index, not a delivery.
      return [
        ...sagaStatements(a, registry),
        schedulerDeadLetter('sagaTimeouts', a),
        { Sid: 'UseKeys', Effect: 'Allow', Action: KEY_USE, Resource: [a.storeKey] },
      ];
    case 'consumer': {
      const q = a.queues[role.group];
      if (!q) throw new Error(`consumer group "${role.group}" has no queue; known groups: ${Object.keys(a.queues).join(', ')}`);
      const saga = isSagaGroup(role.group);
      return [
        { Sid: 'ConsumeCore', Effect: 'Allow', Action: KINESIS_READ, Resource: a.stream },
        { Sid: 'ConsumeNonCritical', Effect: 'Allow', Action: SQS_CONSUME, Resource: q.queue },
        { Sid: 'DeadLetter', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [q.dlq, a.coreDlq] },
        ...(saga ? sagaStatements(a, registry) : projectionStatements(a, checkpoints, registry)),
        { Sid: 'UseKeys', Effect: 'Allow', Action: KEY_USE, Resource: [a.busKey, a.storeKey] },
      ];
    }
  }
}
