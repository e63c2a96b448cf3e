/**
 * AWS Runtime: the shared bundle as Lambda functions — API (HTTP + WebSocket), relay (DynamoDB
 * Streams → Kinesis/SNS, the change-data-capture path), one consumer per consumer group (Kinesis
 * core path + its SQS queue) and the snapshot scheduler (EventBridge rate rule with retry and a
 * dead-letter queue). Every trigger that can fail sends its failures to a dead-letter queue.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as lambda from '@pulumi/aws/lambda';
import * as sqs from '@pulumi/aws/sqs';
import type { RuntimeArgs } from '../../components/args';
import type { ProviderRefs, RuntimeOutputs } from '../../components/outputs';
import { childName, requireRef } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { awsTags, policyDocument } from './common';
import { runtimeFunction, type FunctionSettings } from './runtimeFunction';
import type { RuntimeArns } from './runtimeIam';
import { httpApi, websocketRoutes } from './runtimeApi';

/** EventBridge rate expression for a period in minutes. */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

function collectArns(args: RuntimeArgs, groups: readonly string[]): pulumi.Output<RuntimeArns> {
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
  const settings: FunctionSettings = {
    placement,
    bundle: new pulumi.asset.FileArchive(args.bundleDir ?? DEFAULTS.bundleDir),
    manifest: args.manifest,
    arns: collectArns(args, groups),
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

  // Time-based snapshots: EventBridge rate rule → scheduler function (retries, then a DLQ).
  const snapshots = runtimeFunction(childName(name, 'snapshots'), { kind: 'snapshots' }, settings, parent);
  const rule = new cloudwatch.EventRule(childName(name, 'snapshots-schedule'), {
    region,
    description: 'Nexus time-based snapshots',
    scheduleExpression: pulumi.output(args.snapshotScheduleMinutes ?? DEFAULTS.snapshotScheduleMinutes).apply(rateExpression),
    tags: awsTags(placement, 'runtime'),
  }, { parent });
  const schedulerDlq = new sqs.Queue(childName(name, 'snapshots-dlq'), {
    region, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 86400, tags: awsTags(placement, 'runtime'),
  }, { parent });
  new sqs.QueuePolicy(childName(name, 'snapshots-dlq-policy'), {
    region,
    queueUrl: schedulerDlq.url,
    policy: pulumi.all([schedulerDlq.arn, rule.arn]).apply(([q, r]) => policyDocument([{
      Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: q,
      Condition: { ArnEquals: { 'aws:SourceArn': r } },
    }])),
  }, { parent });
  new cloudwatch.EventTarget(childName(name, 'snapshots-target'), {
    region,
    rule: rule.name,
    arn: snapshots.fn.arn,
    retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
    deadLetterConfig: { arn: schedulerDlq.arn },
  }, { parent });
  new lambda.Permission(childName(name, 'snapshots-invoke'), {
    region, action: 'lambda:InvokeFunction', function: snapshots.fn.name, principal: 'events.amazonaws.com', sourceArn: rule.arn,
  }, { parent });
  refs['fn:snapshots'] = snapshots.fn.name;
  refs['dlqName:snapshots'] = schedulerDlq.name;

  return { apiUrl, websocketUrl: requireRef(args.notifications.refs, 'websocketUrl', 'aws runtime'), refs };
}
