/**
 * The alarm rule (policies/alarms.ts) on AWS, GCP and Azure alarm shapes, and the budget rule
 * with its pure estimator (policies/cost.ts, policies/costEstimator.ts).
 */
import * as assert from 'node:assert/strict';
import { componentAlarms } from '../../policies/alarms';
import { monthlyBudget } from '../../policies/cost';
import { estimateMonthlyCost } from '../../policies/costEstimator';
import { AWS_PRICES, PRICES_AS_OF } from '../../policies/costPrices';
import { assertNoViolations, assertViolation, policyResource, stackViolations, urnOf, type Synth } from './harness';

const topic = ['arn:aws:sns:r:1:alarms'];
const awsAlarm = (name: string, namespace: string, metricName: string, dimensions: Record<string, string>, actions = topic): Synth => ({
  type: 'aws:cloudwatch/metricAlarm:MetricAlarm', name, component: 'observability', props: { namespace, metricName, dimensions, alarmActions: actions, threshold: 1 },
});
const dlq: Synth = { type: 'aws:sqs/queue:Queue', name: 'nexus-prod-bus-core-dlq', component: 'eventbus', props: {} };
const awsAlarms = (): Synth[] => [
  awsAlarm('nexus-prod-observability-dlq-core', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: 'nexus-prod-bus-core-dlq-1a2b3c4' }),
  awsAlarm('nexus-prod-observability-relay-lag', 'AWS/Lambda', 'IteratorAge', { FunctionName: 'relay' }),
  awsAlarm('nexus-prod-observability-store-throttled', 'AWS/DynamoDB', 'ThrottledRequests', { TableName: 'events' }),
  awsAlarm('nexus-prod-observability-bus-throttled', 'AWS/Kinesis', 'WriteProvisionedThroughputExceeded', { StreamName: 'core' }),
];
const gcpPolicy = (name: string, filter: string, channels = ['projects/p/notificationChannels/1']): Synth => ({
  type: 'gcp:monitoring/alertPolicy:AlertPolicy', name, component: 'observability', stack: 'gcp-prod',
  props: { combiner: 'OR', conditions: [{ conditionThreshold: { filter } }], notificationChannels: channels },
});
const gcpAlarms = (): Synth[] => [
  gcpPolicy('dlq', 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.labels.subscription_id = "nexus-prod-bus-deadletter-inspect"'),
  gcpPolicy('relay', 'metric.type = "workload.googleapis.com/nexus.relay.lag"'),
  gcpPolicy('firestore', 'resource.type = "firestore.googleapis.com/Database" AND metric.labels.response_code = "RESOURCE_EXHAUSTED"'),
  gcpPolicy('pubsub', 'resource.type = "pubsub_topic" AND metric.labels.response_code = "resource_exhausted"'),
];
const azureAlert = (name: string, criterion: Record<string, unknown>, actions = [{ actionGroupId: 'ag' }]): Synth => ({
  type: 'azure-native:monitor:MetricAlert', name, component: 'observability', stack: 'azure-prod', props: { enabled: true, actions, criteria: { allOf: [criterion] }, scopes: ['/x'] },
});
const azureAlarms = (): Synth[] => [
  azureAlert('dlq', { metricName: 'nexus.dlq.depth', metricNamespace: 'azure.applicationinsights' }),
  azureAlert('relay', { metricName: 'nexus.relay.lag', metricNamespace: 'azure.applicationinsights' }),
  azureAlert('cosmos', { metricName: 'TotalRequests', metricNamespace: 'Microsoft.DocumentDB/databaseAccounts', dimensions: [{ name: 'StatusCode', values: ['429'] }] }),
  azureAlert('eventhubs', { metricName: 'ThrottledRequests', metricNamespace: 'Microsoft.EventHub/namespaces' }),
];

describe('policies/alarms: component-alarms (stack)', () => {
  for (const [cloud, make] of [['aws', awsAlarms], ['gcp', gcpAlarms], ['azure', azureAlarms]] as const) {
    it(`${cloud}: DLQ depth, relay lag, store and bus throttling alarms that notify: no violations`, async () => {
      assertNoViolations(await stackViolations(componentAlarms, [...make(), ...(cloud === 'aws' ? [dlq] : [])]));
    });
    for (const [index, words] of [[0, 'dead letters waiting'], [1, 'relay lag'], [2, 'event store throttling'], [3, 'event bus throttling']] as const) {
      it(`${cloud}: without the ${words} alarm it is a violation`, async () => {
        const alarms = make().filter((_a, i) => i !== index);
        assertViolation(await stackViolations(componentAlarms, alarms), new RegExp(`no alarm for ${words}`));
      });
    }
  }
  it('an alarm that notifies nobody does not count', async () => {
    const silent = awsAlarms().map((a, i) => (i === 1 ? { ...a, props: { ...a.props, alarmActions: [] } } : a));
    assertViolation(await stackViolations(componentAlarms, [...silent, dlq]), /the alarms for relay lag .* notify nobody/);
  });
  it('aws: a dead-letter queue without its own depth alarm', async () => {
    const other: Synth = { ...dlq, name: 'nexus-prod-runtime-snapshots-dlq' };
    assertViolation(await stackViolations(componentAlarms, [...awsAlarms(), dlq, other]), /dead-letter queue nexus-prod-runtime-snapshots-dlq has no depth alarm/);
  });
});

const hints = { eventsPerSecond: 100, averageLoadFactor: 0.5, eventBytes: 512 };
const eventsTable: Synth = {
  type: 'aws:dynamodb/table:Table', name: 'nexus-prod-store-events', component: 'eventstore',
  props: { billingMode: 'PAY_PER_REQUEST', globalSecondaryIndexes: [{ name: 'log' }], pointInTimeRecovery: { enabled: true } },
};
const shards: Synth = { type: 'aws:kinesis/stream:Stream', name: 'nexus-prod-bus-core', component: 'eventbus', props: { shardCount: 2, streamModeDetails: { streamMode: 'PROVISIONED' } } };
const asEstimatorInput = (s: Synth) => ({ type: s.type, name: s.name, urn: urnOf(s), props: s.props });

describe('policies/cost: estimator (pure)', () => {
  it('prices Kinesis shards from the plan and DynamoDB writes from the throughput hints', () => {
    const e = estimateMonthlyCost([eventsTable, shards].map(asEstimatorInput), hints);
    const events = 100 * 0.5 * 30 * 24 * 3600;
    assert.equal(e.eventsPerMonth, events);
    const writes = (events * 2 / 1e6) * AWS_PRICES.dynamoWriteUnitPerMillion;
    const storage = (events * 512 / 1e9 / 2) * 2 * (AWS_PRICES.dynamoStorageGbMonth + AWS_PRICES.dynamoPitrGbMonth);
    const table = e.lines.find((l) => l.resource === 'nexus-prod-store-events');
    assert.ok(table && Math.abs(table.usd - (writes + storage)) < 0.01, `events table ${table?.usd ?? 'missing'} vs ${writes + storage}`);
    const stream = e.lines.find((l) => l.resource === 'nexus-prod-bus-core');
    assert.ok(stream && stream.usd >= 2 * AWS_PRICES.kinesisShardHour * 730, 'two shards for a month');
    assert.equal(e.pricesAsOf, PRICES_AS_OF);
  });
  it('is pure, scales with load, and lists unpriced resource types', () => {
    const input = [eventsTable, shards, { type: 'aws:iam/role:Role', name: 'r', props: {} }].map((s) => ({ type: s.type, name: s.name, props: s.props, ...('component' in s ? { urn: urnOf(s) } : {}) }));
    const a = estimateMonthlyCost(input, hints);
    assert.deepEqual(estimateMonthlyCost(input, hints), a);
    assert.ok(estimateMonthlyCost(input, { ...hints, eventsPerSecond: 1000 }).totalUsd > a.totalUsd);
    assert.deepEqual(a.unpriced, ['aws:iam/role:Role']);
  });
});

describe('policies/cost: monthly-budget (stack)', () => {
  it('within the configured budget: no violations', async () => {
    assertNoViolations(await stackViolations(monthlyBudget, [eventsTable, shards], { ...hints, monthlyBudgetUsd: 10_000 }));
  });
  it('above the configured budget: a violation with the estimate and its largest items', async () => {
    assertViolation(await stackViolations(monthlyBudget, [eventsTable, shards], { ...hints, monthlyBudgetUsd: 10 }), /estimated monthly cost \$[\d.]+ exceeds the budget of \$10\.00 .*nexus-prod-store-events/);
  });
  it('falls back to the budget resource the stack plans', async () => {
    const budget: Synth = { type: 'aws:budgets/budget:Budget', name: 'nexus-prod-budget', component: 'observability', props: { limitAmount: '5', limitUnit: 'USD', timeUnit: 'MONTHLY' } };
    assertViolation(await stackViolations(monthlyBudget, [eventsTable, shards, budget], hints), /exceeds the budget of \$5\.00/);
  });
  it('without any budget it is not applicable', async () => {
    assert.equal(await stackViolations(monthlyBudget, [eventsTable, shards], hints), 'not applicable');
  });
  it('policyResource gives stack rules the same URN the resource rules see', () => {
    assert.equal(policyResource(eventsTable).urn, urnOf(eventsTable));
  });
});
