/**
 * AWS Runtime: the shared bundle as Lambda functions — API (HTTP + WebSocket), relay (DynamoDB
 * Streams → Kinesis/SNS, the change-data-capture path), one consumer per consumer group (Kinesis
 * core path + its SQS queue) and two schedulers (EventBridge rate rules, ./runtimeSchedule.ts):
 * time-based snapshots and saga timeouts (every minute, so no saga waits past its deadline for
 * want of a bus delivery). Every trigger that can fail sends its failures to a dead-letter queue.
 */
import * as pulumi from '@pulumi/pulumi';
import * as lambda from '@pulumi/aws/lambda';
import type { RuntimeArgs } from '../../components/args';
import type { ProviderRefs, RuntimeOutputs } from '../../components/outputs';
import { childName, requireRef } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { runtimeFunction, type FunctionSettings } from './runtimeFunction';
import type { RuntimeArns, ScheduledKind } from './runtimeIam';
import { httpApi, websocketRoutes } from './runtimeApi';
import { rateExpression, schedule, schedulerDlq } from './runtimeSchedule';

/**
 * How often due saga timeouts are fired: a timeout fires at most about this late (plus the run's
 * own time). Fixed rather than configurable (ADR 0140): a scan reads only the due entries of the
 * timeout index (ADR 0141), and a later timeout only makes a stuck order wait longer.
 */
export const SAGA_TIMEOUT_SCHEDULE = 'rate(1 minute)';

function collectArns(args: RuntimeArgs, groups: readonly string[], schedulerDlqs: Record<ScheduledKind, pulumi.Output<string>>): pulumi.Output<RuntimeArns> {
  const r = (refs: ProviderRefs, key: string): pulumi.Output<string> => requireRef(refs, key, 'aws runtime');
  const queues = Object.fromEntries(groups.map((g) => [g, pulumi.all([r(args.bus.refs, `queueArn:${g}`), r(args.bus.refs, `dlqArn:${g}`)])
    .apply(([queue, dlq]) => ({ queue, dlq }))]));
  const schemaArns = Object.entries(args.registry.refs).filter(([k]) => k.startsWith('schemaArn:')).map(([, v]) => v);
  return pulumi.output({
    eventsTable: r(args.eventStore.refs, 'eventsTableArn'),
    eventsStream: r(args.eventStore.refs, 'eventsStreamArn'),
    snapshotsTable: r(args.eventStore.refs, 'snapshotsTableArn'),
    checkpointsTable: r(args.eventStore.refs, 'checkpointsTableArn'),
    connectionsTable: r(args.notifications.refs, 'connectionsTableArn'),
    storeKey: r(args.eventStore.refs, 'keyArn'),
    busKey: r(args.bus.refs, 'keyArn'),
    notificationsKey: r(args.notifications.refs, 'keyArn'),
    stream: r(args.bus.refs, 'streamArn'),
    topic: r(args.bus.refs, 'topicArn'),
    coreDlq: r(args.bus.refs, 'coreDlqArn'),
    schedulerDlqs: pulumi.all(schedulerDlqs) as pulumi.Output<Record<ScheduledKind, string>>,
    queues: pulumi.all(queues),
    registry: r(args.registry.refs, 'registryArn'),
    schemas: pulumi.all(schemaArns),
    searchDomain: r(args.search.refs, 'domainArn'),
    websocketExecution: r(args.notifications.refs, 'websocketExecutionArn'),
    websocketStage: r(args.notifications.refs, 'websocketStageName'),
  });
}

export function awsRuntime(name: string, args: RuntimeArgs, parent: pulumi.ComponentResource): RuntimeOutputs {
  const { placement } = args;
  const region = placement.region;
  const groups = args.consumerGroups ?? DEFAULTS.consumerGroups;
  const logRetentionDays = args.logRetentionDays ?? DEFAULTS.logRetentionDays;
  const dlqs = {
    snapshots: schedulerDlq(childName(name, 'snapshots'), placement, parent),
    sagaTimeouts: schedulerDlq(childName(name, 'saga-timeouts'), placement, parent),
  };
  const settings: FunctionSettings = {
    placement,
    bundle: new pulumi.asset.FileArchive(args.bundleDir ?? DEFAULTS.bundleDir),
    manifest: args.manifest,
    arns: collectArns(args, groups, { snapshots: dlqs.snapshots.arn, sagaTimeouts: dlqs.sagaTimeouts.arn }),
    memoryMb: args.memoryMb ?? DEFAULTS.memoryMb,
    logRetentionDays,
    subnetIds: requireRef(args.search.refs, 'subnetIds', 'aws runtime'),
    securityGroupId: requireRef(args.search.refs, 'clientSecurityGroupId', 'aws runtime'),
    ...(args.auth ? { auth: args.auth } : {}),
  };
  const coreDlqArn = requireRef(args.bus.refs, 'coreDlqArn', 'aws runtime');
  const refs: Record<string, pulumi.Output<string>> = {};

  const api = runtimeFunction(childName(name, 'api'), { kind: 'api' }, settings, parent);
  const apiUrl = httpApi(childName(name, 'api'), placement, api.fn, logRetentionDays, parent);
  websocketRoutes(childName(name, 'api'), placement, api.fn, args.notifications.refs, parent);
  refs['fn:api'] = api.fn.name;

  // Change data capture: DynamoDB Streams → relay, ordered per shard, failures to the core DLQ.
  const relay = runtimeFunction(childName(name, 'relay'), { kind: 'relay' }, settings, parent);
  new lambda.EventSourceMapping(childName(name, 'relay-cdc'), {
    region,
    functionName: relay.fn.arn,
    eventSourceArn: requireRef(args.eventStore.refs, 'eventsStreamArn', 'aws runtime'),
    startingPosition: 'TRIM_HORIZON',
    batchSize: 100,
    maximumBatchingWindowInSeconds: 1,
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 10,
    functionResponseTypes: ['ReportBatchItemFailures'],
    destinationConfig: { onFailure: { destinationArn: coreDlqArn } },
  }, { parent });
  refs['fn:relay'] = relay.fn.name;

  for (const group of groups) {
    const consumer = runtimeFunction(childName(name, group), { kind: 'consumer', group }, settings, parent);
    new lambda.EventSourceMapping(childName(name, `${group}-core`), {
      region,
      functionName: consumer.fn.arn,
      eventSourceArn: requireRef(args.bus.refs, 'streamArn', 'aws runtime'),
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destinationArn: coreDlqArn } },
    }, { parent });
    new lambda.EventSourceMapping(childName(name, `${group}-noncritical`), {
      region,
      functionName: consumer.fn.arn,
      eventSourceArn: requireRef(args.bus.refs, `queueArn:${group}`, 'aws runtime'),
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
    }, { parent });
    refs[`fn:${group}`] = consumer.fn.name;
  }

  // Time-based snapshots and saga timeouts: EventBridge rate rules → scheduler functions (retries, then a DLQ).
  const snapshots = runtimeFunction(childName(name, 'snapshots'), { kind: 'snapshots' }, settings, parent);
  schedule(childName(name, 'snapshots'), {
    placement, description: 'Nexus time-based snapshots', fn: snapshots.fn, dlq: dlqs.snapshots,
    scheduleExpression: pulumi.output(args.snapshotScheduleMinutes ?? DEFAULTS.snapshotScheduleMinutes).apply(rateExpression),
  }, parent);
  refs['fn:snapshots'] = snapshots.fn.name;
  refs['dlqName:snapshots'] = dlqs.snapshots.name;

  const sagaTimeouts = runtimeFunction(childName(name, 'saga-timeouts'), { kind: 'sagaTimeouts' }, settings, parent);
  schedule(childName(name, 'saga-timeouts'), {
    placement, description: 'Nexus saga timeouts: fires every due saga timeout', fn: sagaTimeouts.fn, dlq: dlqs.sagaTimeouts,
    scheduleExpression: SAGA_TIMEOUT_SCHEDULE,
  }, parent);
  refs['fn:sagaTimeouts'] = sagaTimeouts.fn.name;
  refs['dlqName:sagaTimeouts'] = dlqs.sagaTimeouts.name;

  return { apiUrl, websocketUrl: requireRef(args.notifications.refs, 'websocketUrl', 'aws runtime'), refs };
}
