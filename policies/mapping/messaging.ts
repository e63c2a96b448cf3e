/**
 * Cloud mapping for consumers of the bus (subscriptions, queues, stream triggers, consumer
 * groups): their dead-letter target, how many deliveries before a message is dead-lettered, and
 * whether they sit on the core (per-stream ordered) path.
 *   AWS    SQS queues (redrivePolicy), SNS subscriptions (redrivePolicy), Lambda stream triggers
 *          (onFailure destination, maximumRetryAttempts; -1 or unset = retry until expiry),
 *          EventBridge targets (deadLetterConfig, retryPolicy; unset = 185 retries over 24 h) and
 *          Lambda async invocation configs (onFailure destination, maximumRetryAttempts; default 2).
 *          EventBridge invokes Lambda asynchronously: its DLQ only sees failed deliveries, so a
 *          scheduled function's own failures are dead-lettered only if the function (found through
 *          the target's `arn` dependency) has an async invocation config with an onFailure destination.
 *   GCP    Pub/Sub subscriptions (deadLetterPolicy, enableMessageOrdering)
 *   Azure  Event Hubs consumer groups: Event Hubs has no broker dead-lettering; the consumer writes
 *          dead letters to a Cosmos `deadletters` container after maxAttempts (ADR 0121), so the
 *          target is that container in the same plan and the bound is the consumer's, not the broker's.
 */
import { Queue } from '@pulumi/aws/sqs';
import { Topic as SnsTopic, TopicSubscription } from '@pulumi/aws/sns';
import { EventTarget } from '@pulumi/aws/cloudwatch';
import { EventSourceMapping, Function as LambdaFunction, FunctionEventInvokeConfig } from '@pulumi/aws/lambda';
import type { PolicyResource } from '@pulumi/policy';
import { Subscription } from '@pulumi/gcp/pubsub';
import { ConsumerGroup } from '@pulumi/azure-native/eventhub';
import { SqlResourceSqlContainer } from '@pulumi/azure-native/cosmosdb';
import { bool, get, isDeadLetterName, jsonDoc, num, str } from '../policyKit';
import { mapping, typeOf, type Mapping, type Subject } from './types';

/** 'consumer': the bound is enforced by the consuming runtime, not a broker setting (Azure). */
export type DeliveryBound = number | 'unbounded' | 'service' | 'consumer';

export interface ConsumerFacts {
  readonly label: string;
  /** Where failed messages go; undefined when there is none. */
  readonly deadLetterTarget?: string;
  /** Deliveries before dead-lettering ('service': fixed by the cloud, e.g. SNS to SQS). */
  readonly maxDeliveries: DeliveryBound;
  /** Lambda functions this trigger invokes asynchronously whose failed runs nothing dead-letters. */
  readonly undeadletteredFunctions?: readonly string[];
}

export interface OrderingFacts {
  readonly label: string;
  readonly ordered: boolean;
  readonly how: string;
}

const isCore = (s: Subject): boolean => get(s.props, 'labels', 'nexus-role') === 'consumer-core' || /(^|-)core(-|$)/.test(s.name);
const streamSource = (arn: string | undefined): boolean => !!arn && /^arn:aws:(kinesis|dynamodb):/.test(arn);

function azureDeadLetterContainer(s: Subject): string | undefined {
  const c = s.stack?.find((r) => r.type === typeOf(SqlResourceSqlContainer) && isDeadLetterName(str(get(r.props, 'resource', 'id'))));
  return c ? `Cosmos container ${str(get(c.props, 'resource', 'id')) ?? c.name}` : undefined;
}

/**
 * Functions an EventBridge target invokes (by the resources its `arn` input came from) that have
 * no async invocation config with an onFailure destination. Needs the whole plan (stack rules).
 */
function undeadletteredFunctions(s: Subject): string[] {
  const self = s.stack?.find((r) => r.urn === s.urn);
  if (!self || !s.stack) return [];
  const configs = s.stack.filter((r) => r.type === typeOf(FunctionEventInvokeConfig) && str(get(r.props, 'destinationConfig', 'onFailure', 'destination')));
  const covered = (fn: PolicyResource) => configs.some((c) => (c.propertyDependencies.functionName ?? []).some((d) => d.urn === fn.urn));
  return (self.propertyDependencies.arn ?? []).filter((r) => r.type === typeOf(LambdaFunction) && !covered(r)).map((r) => r.name);
}

/** EventBridge's retry policy when a target sets none (24 hours of exponential backoff). */
const EVENTBRIDGE_DEFAULT_RETRIES = 185;

export const consumerMappings: readonly Mapping<ConsumerFacts>[] = [
  mapping('aws', Queue, (s) => {
    if (isDeadLetterName(s.name) || isDeadLetterName(str(get(s.props, 'name')))) return undefined;
    const redrive = jsonDoc(get(s.props, 'redrivePolicy'));
    const max = num(get(redrive, 'maxReceiveCount'));
    return { label: `SQS queue ${s.name}`, ...(str(get(redrive, 'deadLetterTargetArn')) ? { deadLetterTarget: str(get(redrive, 'deadLetterTargetArn')) } : {}), maxDeliveries: max ?? 'unbounded' };
  }),
  mapping('aws', TopicSubscription, (s) => {
    const protocol = str(get(s.props, 'protocol'));
    if (protocol === 'email' || protocol === 'email-json' || protocol === 'sms') return undefined; // people, not consumers
    const target = str(get(jsonDoc(get(s.props, 'redrivePolicy')), 'deadLetterTargetArn'));
    return { label: `SNS subscription ${s.name} (${protocol ?? '?'})`, ...(target ? { deadLetterTarget: target } : {}), maxDeliveries: 'service' };
  }),
  mapping('aws', EventSourceMapping, (s) => {
    const source = str(get(s.props, 'eventSourceArn'));
    if (!streamSource(source)) return undefined; // SQS sources are bounded by the queue's redrive policy
    const retries = num(get(s.props, 'maximumRetryAttempts'));
    const target = str(get(s.props, 'destinationConfig', 'onFailure', 'destinationArn'));
    return {
      label: `Lambda stream trigger ${s.name}`,
      ...(target ? { deadLetterTarget: target } : {}),
      maxDeliveries: retries === undefined || retries < 0 ? 'unbounded' : retries + 1,
    };
  }),
  mapping('aws', EventTarget, (s) => {
    const target = str(get(s.props, 'deadLetterConfig', 'arn'));
    const retries = num(get(s.props, 'retryPolicy', 'maximumRetryAttempts'));
    const functions = undeadletteredFunctions(s);
    return {
      label: `EventBridge target ${s.name}`,
      ...(target ? { deadLetterTarget: target } : {}),
      maxDeliveries: (retries ?? EVENTBRIDGE_DEFAULT_RETRIES) + 1,
      ...(functions.length > 0 ? { undeadletteredFunctions: functions } : {}),
    };
  }),
  mapping('aws', FunctionEventInvokeConfig, (s) => {
    const target = str(get(s.props, 'destinationConfig', 'onFailure', 'destination'));
    return { label: `Lambda async invocation config ${s.name}`, ...(target ? { deadLetterTarget: target } : {}), maxDeliveries: (num(get(s.props, 'maximumRetryAttempts')) ?? 2) + 1 };
  }),
  mapping('gcp', Subscription, (s) => {
    if (get(s.props, 'labels', 'nexus-role') === 'deadletter' || isDeadLetterName(str(get(s.props, 'topic')))) return undefined;
    const target = str(get(s.props, 'deadLetterPolicy', 'deadLetterTopic'));
    // Pub/Sub's default is 5 attempts once a dead-letter policy exists; without one, unbounded.
    const max = target ? num(get(s.props, 'deadLetterPolicy', 'maxDeliveryAttempts')) ?? 5 : 'unbounded';
    return { label: `Pub/Sub subscription ${str(get(s.props, 'name')) ?? s.name}`, ...(target ? { deadLetterTarget: target } : {}), maxDeliveries: max };
  }),
  mapping('azure', ConsumerGroup, (s) => {
    const target = azureDeadLetterContainer(s);
    return { label: `Event Hubs consumer group ${str(get(s.props, 'eventHubName')) ?? '?'}/${str(get(s.props, 'consumerGroupName')) ?? s.name}`, ...(target ? { deadLetterTarget: target } : {}), maxDeliveries: 'consumer' };
  }),
];

export const orderingMappings: readonly Mapping<OrderingFacts>[] = [
  mapping('aws', Queue, (s) => (isCore(s) && !isDeadLetterName(s.name)
    ? { label: `SQS queue ${s.name}`, ordered: bool(get(s.props, 'fifoQueue')) === true, how: 'a FIFO queue (fifoQueue: true) with the stream id as message group' }
    : undefined)),
  mapping('aws', SnsTopic, (s) => (isCore(s)
    ? { label: `SNS topic ${s.name}`, ordered: bool(get(s.props, 'fifoTopic')) === true, how: 'a FIFO topic (fifoTopic: true)' }
    : undefined)),
  mapping('gcp', Subscription, (s) => (isCore(s) && get(s.props, 'labels', 'nexus-role') !== 'deadletter'
    ? { label: `Pub/Sub subscription ${str(get(s.props, 'name')) ?? s.name}`, ordered: bool(get(s.props, 'enableMessageOrdering')) === true, how: 'enableMessageOrdering: true (the relay publishes with the stream id as ordering key)' }
    : undefined)),
];
