/**
 * AWS Observability: an encrypted SNS alarm topic (e-mail subscriptions from config), CloudWatch
 * alarms for every dead-letter queue's depth, relay lag (the relay's IteratorAge on DynamoDB
 * Streams), consumer lag on the core stream, throttling (DynamoDB, Kinesis, Lambda) and search
 * health, an AWS Budget when configured, and one CloudWatch dashboard (./dashboard.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as sns from '@pulumi/aws/sns';
import * as budgets from '@pulumi/aws/budgets';
import type { ObservabilityArgs } from '../../components/args';
import type { ObservabilityOutputs, ProviderRefs } from '../../components/outputs';
import { childName, requireRef } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { awsTags, customerKey } from './common';
import { dashboardBody } from './dashboard';

interface AlarmSpec {
  readonly suffix: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
  readonly statistic: 'Maximum' | 'Sum' | 'Minimum';
  readonly threshold: pulumi.Input<number>;
  readonly comparison?: string;
}

function prefixed(refs: ProviderRefs, prefix: string): Array<[string, pulumi.Output<string>]> {
  return Object.entries(refs).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]);
}

export function awsObservability(name: string, args: ObservabilityArgs, parent: pulumi.ComponentResource): ObservabilityOutputs {
  const { placement } = args;
  const region = placement.region;
  const tags = awsTags(placement, 'observability');
  const ref = (refs: ProviderRefs, key: string): pulumi.Output<string> => requireRef(refs, key, 'aws observability');
  const key = customerKey(childName(name, 'key'), 'nexus alarms', placement, parent, ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com']);
  const topic = new sns.Topic(childName(name, 'alarms'), { region, kmsMasterKeyId: key.arn, tags }, { parent });
  (args.alarmEmails ?? []).forEach((email, i) => new sns.TopicSubscription(childName(name, `email-${i}`), {
    region, topic: topic.arn, protocol: 'email', endpoint: email,
  }, { parent }));

  const dlqs = [...prefixed(args.bus.refs, 'dlqName:'), ...prefixed(args.runtime.refs, 'dlqName:')];
  const functions = prefixed(args.runtime.refs, 'fn:');
  const lagMs = pulumi.output(args.relayLagSeconds ?? DEFAULTS.relayLagSeconds).apply((s) => s * 1000);
  const specs: AlarmSpec[] = [
    ...dlqs.map(([label, queue]): AlarmSpec => ({
      suffix: `dlq-${label}`, description: `Dead letters waiting in the ${label} DLQ`, namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: queue }, statistic: 'Maximum',
      threshold: args.dlqDepthThreshold ?? DEFAULTS.dlqDepthThreshold, comparison: 'GreaterThanOrEqualToThreshold',
    })),
    {
      suffix: 'relay-lag', description: 'Relay lags the event store (DynamoDB Streams iterator age)', namespace: 'AWS/Lambda',
      metricName: 'IteratorAge', dimensions: { FunctionName: ref(args.runtime.refs, 'fn:relay') }, statistic: 'Maximum', threshold: lagMs,
    },
    {
      suffix: 'consumer-lag', description: 'Consumers lag the core stream', namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: ref(args.bus.refs, 'streamName') }, statistic: 'Maximum', threshold: lagMs,
    },
    {
      suffix: 'store-throttled', description: 'Event store requests throttled', namespace: 'AWS/DynamoDB',
      metricName: 'ThrottledRequests', dimensions: { TableName: ref(args.eventStore.refs, 'eventsTableName') }, statistic: 'Sum', threshold: 0,
    },
    {
      suffix: 'bus-throttled', description: 'Core stream writes throttled', namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded', dimensions: { StreamName: ref(args.bus.refs, 'streamName') }, statistic: 'Sum', threshold: 0,
    },
    ...functions.map(([label, fn]): AlarmSpec => ({
      suffix: `${label}-throttled`, description: `Runtime function ${label} throttled`, namespace: 'AWS/Lambda',
      metricName: 'Throttles', dimensions: { FunctionName: fn }, statistic: 'Sum', threshold: 0,
    })),
    {
      suffix: 'search-red', description: 'Search cluster status red', namespace: 'AWS/ES', metricName: 'ClusterStatus.red',
      dimensions: { DomainName: ref(args.search.refs, 'domainName'), ClientId: ref(args.search.refs, 'accountId') }, statistic: 'Maximum', threshold: 0,
    },
  ];
  const alarms = specs.map((spec) => {
    new cloudwatch.MetricAlarm(childName(name, spec.suffix), {
      region,
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic,
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison ?? 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [topic.arn],
      okActions: [topic.arn],
      tags,
    }, { parent });
    return childName(name, spec.suffix);
  });

  if (args.monthlyBudgetUsd !== undefined) {
    new budgets.Budget(childName(name, 'budget'), {
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: pulumi.output(args.monthlyBudgetUsd).apply(String),
      limitUnit: 'USD',
      costFilters: Object.keys(placement.tags).includes('nexus-environment')
        ? [{ name: 'TagKeyValue', values: [`user:nexus-environment$${placement.tags['nexus-environment']}`] }]
        : [],
      notifications: [{
        comparisonOperator: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE', notificationType: 'FORECASTED',
        subscriberSnsTopicArns: [topic.arn],
      }],
    }, { parent });
    alarms.push(childName(name, 'budget'));
  }

  const dashboard = new cloudwatch.Dashboard(childName(name, 'dashboard'), {
    region,
    dashboardName: childName(name, 'dashboard'),
    dashboardBody: pulumi.output({
      table: ref(args.eventStore.refs, 'eventsTableName'),
      stream: ref(args.bus.refs, 'streamName'),
      dlqs: pulumi.all(Object.fromEntries(dlqs)),
      functions: pulumi.all(Object.fromEntries(functions)),
    }).apply((m) => dashboardBody(region, m)),
  }, { parent });
  return {
    dashboardUrl: pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard.dashboardName}`,
    nativeTarget: 'cloudwatch+xray',
    alarms,
    refs: { alarmTopicArn: topic.arn },
  };
}
