/**
 * Cloud mapping for alarms: which signal an alarm watches (dead letters waiting, relay lag, store
 * throttling, bus throttling), what it watches (a queue name, a table...) and whether it notifies
 * anyone. The `component-alarms` stack rule requires each signal once per stack (one per owning
 * component) and, on AWS, a depth alarm for every dead-letter queue.
 *   AWS    CloudWatch metric alarms (namespace + metric name + dimensions, alarmActions)
 *   GCP    Cloud Monitoring alert policies (condition filters, notificationChannels)
 *   Azure  Azure Monitor metric alerts (criteria metric names, actions)
 */
import { MetricAlarm } from '@pulumi/aws/cloudwatch';
import { AlertPolicy } from '@pulumi/gcp/monitoring';
import { MetricAlert } from '@pulumi/azure-native/monitor';
import { get, list, str } from '../policyKit';
import { mapping, type Mapping } from './types';

export const ALARM_SIGNALS = ['dlq-depth', 'relay-lag', 'store-throttling', 'bus-throttling'] as const;
export type AlarmSignal = typeof ALARM_SIGNALS[number];

export interface AlarmFacts {
  readonly label: string;
  readonly signals: readonly AlarmSignal[];
  /** Dimension values the alarm is scoped to (e.g. an SQS queue name). */
  readonly watches: readonly string[];
  readonly notifies: boolean;
}

const AWS_SIGNALS: ReadonlyArray<[RegExp, RegExp, AlarmSignal]> = [
  [/^AWS\/SQS$/, /^ApproximateNumberOf(MessagesVisible|MessagesNotVisible)$|^ApproximateAgeOfOldestMessage$/, 'dlq-depth'],
  [/^AWS\/Lambda$/, /^IteratorAge$/, 'relay-lag'],
  [/./, /relay_?lag/i, 'relay-lag'],
  [/^AWS\/DynamoDB$/, /^(ThrottledRequests|WriteThrottleEvents|ReadThrottleEvents)$/, 'store-throttling'],
  [/^AWS\/Kinesis$/, /^(WriteProvisionedThroughputExceeded|ReadProvisionedThroughputExceeded)$/, 'bus-throttling'],
  [/^AWS\/SNS$/, /^NumberOfNotificationsFailed$/, 'bus-throttling'],
];

function gcpSignals(text: string): AlarmSignal[] {
  const out: AlarmSignal[] = [];
  if (/num_undelivered_messages/.test(text) && /dead-?letter/i.test(text)) out.push('dlq-depth');
  if (/relay[._]lag/.test(text)) out.push('relay-lag');
  if (/firestore/i.test(text) && /RESOURCE_EXHAUSTED/i.test(text)) out.push('store-throttling');
  if (/pubsub/i.test(text) && /resource_exhausted/i.test(text)) out.push('bus-throttling');
  return out;
}

function azureSignals(criteria: unknown[]): AlarmSignal[] {
  const out: AlarmSignal[] = [];
  for (const c of criteria) {
    const metric = String(get(c, 'metricName'));
    const ns = String(get(c, 'metricNamespace'));
    if (/deadletter|\bdlq\b/i.test(metric)) out.push('dlq-depth');
    if (/relay[._]lag/i.test(metric)) out.push('relay-lag');
    if (/DocumentDB/i.test(ns) && JSON.stringify(get(c, 'dimensions') ?? '').includes('429')) out.push('store-throttling');
    if (/EventHub/i.test(ns) && metric === 'ThrottledRequests') out.push('bus-throttling');
  }
  return out;
}

export const alarmMappings: readonly Mapping<AlarmFacts>[] = [
  mapping('aws', MetricAlarm, (s) => {
    const ns = str(get(s.props, 'namespace')) ?? '';
    const metric = str(get(s.props, 'metricName')) ?? '';
    const signals = AWS_SIGNALS.filter(([n, m]) => n.test(ns) && m.test(metric)).map(([, , sig]) => sig);
    const dims = get(s.props, 'dimensions');
    const watches = dims && typeof dims === 'object' ? Object.values(dims).map(String) : [];
    return { label: `CloudWatch alarm ${s.name}`, signals: [...new Set(signals)], watches, notifies: list(get(s.props, 'alarmActions')).length > 0 };
  }),
  mapping('gcp', AlertPolicy, (s) => {
    const text = JSON.stringify(get(s.props, 'conditions') ?? []);
    return { label: `alert policy ${s.name}`, signals: gcpSignals(text), watches: [], notifies: list(get(s.props, 'notificationChannels')).length > 0 };
  }),
  mapping('azure', MetricAlert, (s) => ({
    label: `metric alert ${s.name}`,
    signals: azureSignals(list(get(s.props, 'criteria', 'allOf'))),
    watches: list(get(s.props, 'scopes')).map(String),
    notifies: list(get(s.props, 'actions')).length > 0 && get(s.props, 'enabled') !== false,
  })),
];
