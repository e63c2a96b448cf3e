/**
 * Messaging rules (policies/messaging.ts): consumers with dead-letter targets and bounded
 * deliveries on AWS, GCP and Azure, and per-stream order on the core path.
 */
import { consumerDeadLetter, corePathOrdered } from '../../policies/messaging';
import { assertNoViolations, assertViolation, resourceViolations, stackViolations, withProp, type Synth } from './harness';

const sqsQueue = (props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:sqs/queue:Queue', name: 'nexus-prod-bus-projections', component: 'eventbus',
  props: { redrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-central-1:1:nexus-prod-bus-projections-dlq', maxReceiveCount: 5 }), visibilityTimeoutSeconds: 180, ...props },
});
const snsSubscription = (props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:sns/topicSubscription:TopicSubscription', name: 'nexus-prod-bus-projections-sub', component: 'eventbus',
  props: { protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-central-1:1:q', redrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-central-1:1:dlq' }), ...props },
});
const kinesisTrigger = (props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:lambda/eventSourceMapping:EventSourceMapping', name: 'nexus-prod-runtime-sagas-core', component: 'runtime',
  props: {
    eventSourceArn: 'arn:aws:kinesis:eu-central-1:1:stream/core', maximumRetryAttempts: 5, bisectBatchOnFunctionError: true,
    destinationConfig: { onFailure: { destinationArn: 'arn:aws:sqs:eu-central-1:1:core-dlq' } }, ...props,
  },
});
const pubsubSubscription = (props: Record<string, unknown> = {}): Synth => ({
  type: 'gcp:pubsub/subscription:Subscription', name: 'nexus-prod-runtime-projections-core', component: 'runtime', stack: 'gcp-prod',
  props: {
    name: 'nexus-prod-bus-projections-core', topic: 'projects/p/topics/nexus-prod-bus-core', enableMessageOrdering: true,
    deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/nexus-prod-bus-deadletter', maxDeliveryAttempts: 6 },
    labels: { 'nexus-role': 'consumer-core' }, pushConfig: { pushEndpoint: 'https://worker.a.run.app/push' }, ...props,
  },
});
const consumerGroup: Synth = {
  type: 'azure-native:eventhub:ConsumerGroup', name: 'nexus-prod-bus-core-projections', component: 'eventbus', stack: 'azure-prod',
  props: { consumerGroupName: 'projections', eventHubName: 'core', namespaceName: 'ns' },
};
const deadLetterContainer: Synth = {
  type: 'azure-native:cosmosdb:SqlResourceSqlContainer', name: 'nexus-prod-bus-deadletters', component: 'eventbus', stack: 'azure-prod',
  props: { containerName: 'deadletters', resource: { id: 'deadletters', partitionKey: { paths: ['/group'] } } },
};

/** A scheduled runtime function: rule target (delivery DLQ) + async invocation config (run failures DLQ). */
const schedulerFunction: Synth = {
  type: 'aws:lambda/function:Function', name: 'nexus-prod-runtime-saga-timeouts-fn', component: 'runtime', props: { handler: 'aws-lambda.sagaTimeouts' },
};
const schedulerTarget = (props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:cloudwatch/eventTarget:EventTarget', name: 'nexus-prod-runtime-saga-timeouts-target', component: 'runtime',
  props: {
    arn: 'arn:aws:lambda:eu-central-1:1:function:saga-timeouts', retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
    deadLetterConfig: { arn: 'arn:aws:sqs:eu-central-1:1:saga-timeouts-dlq' }, ...props,
  },
  propertyDependencies: { arn: [schedulerFunction.name] },
});
const invokeConfig = (props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', name: 'nexus-prod-runtime-saga-timeouts-async', component: 'runtime',
  props: { functionName: 'saga-timeouts', maximumRetryAttempts: 2, destinationConfig: { onFailure: { destination: 'arn:aws:sqs:eu-central-1:1:saga-timeouts-dlq' } }, ...props },
  propertyDependencies: { functionName: [schedulerFunction.name] },
});
const scheduler = [schedulerFunction, schedulerTarget(), invokeConfig()];

describe('policies/messaging: consumer-dead-letter (stack)', () => {
  it('happy path on every cloud: no violations', async () => {
    assertNoViolations(await stackViolations(consumerDeadLetter, [sqsQueue(), snsSubscription(), kinesisTrigger(), ...scheduler, pubsubSubscription(), consumerGroup, deadLetterContainer]));
  });
  it('aws: an SQS queue without a redrive policy', async () => {
    const m = await stackViolations(consumerDeadLetter, [sqsQueue({ redrivePolicy: undefined })]);
    assertViolation(m, /SQS queue nexus-prod-bus-projections has no dead-letter target/);
    assertViolation(m, /retries without bound/);
  });
  it('aws: maxReceiveCount above the configured ceiling', async () => {
    const q = sqsQueue({ redrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:r:1:dlq', maxReceiveCount: 50 }) });
    assertViolation(await stackViolations(consumerDeadLetter, [q]), /allows 50 deliveries; expected at most 20/);
    assertViolation(await stackViolations(consumerDeadLetter, [sqsQueue()], { maxDeliveryAttempts: 3 }), /allows 5 deliveries; expected at most 3/);
  });
  it('aws: dead-letter queues themselves and e-mail subscriptions are exempt', async () => {
    assertNoViolations(await stackViolations(consumerDeadLetter, [{ ...sqsQueue({ redrivePolicy: undefined }), name: 'nexus-prod-bus-projections-dlq' }]));
    assertNoViolations(await stackViolations(consumerDeadLetter, [snsSubscription({ protocol: 'email', redrivePolicy: undefined })]));
  });
  it('aws: an SNS subscription without a redrive policy', async () => {
    assertViolation(await stackViolations(consumerDeadLetter, [snsSubscription({ redrivePolicy: undefined })]), /SNS subscription .* has no dead-letter target/);
  });
  it('aws: a Kinesis trigger without an on-failure destination, or with unlimited retries', async () => {
    assertViolation(await stackViolations(consumerDeadLetter, [kinesisTrigger({ destinationConfig: undefined })]), /Lambda stream trigger .* has no dead-letter target/);
    assertViolation(await stackViolations(consumerDeadLetter, [kinesisTrigger({ maximumRetryAttempts: -1 })]), /retries without bound/);
    assertViolation(await stackViolations(consumerDeadLetter, [kinesisTrigger({ maximumRetryAttempts: undefined })]), /retries without bound/);
  });
  it('aws: SQS-sourced triggers are bounded by the queue and not judged here', async () => {
    assertNoViolations(await stackViolations(consumerDeadLetter, [kinesisTrigger({ eventSourceArn: 'arn:aws:sqs:r:1:q', destinationConfig: undefined, maximumRetryAttempts: undefined })]));
  });
  it('aws: a scheduled function with a target DLQ and an async on-failure destination passes', async () => {
    assertNoViolations(await stackViolations(consumerDeadLetter, scheduler));
  });
  it('aws: an EventBridge target without a DLQ, or with EventBridge\'s default 185 retries', async () => {
    assertViolation(await stackViolations(consumerDeadLetter, [schedulerFunction, schedulerTarget({ deadLetterConfig: undefined }), invokeConfig()]),
      /EventBridge target nexus-prod-runtime-saga-timeouts-target has no dead-letter target/);
    assertViolation(await stackViolations(consumerDeadLetter, [schedulerFunction, schedulerTarget({ retryPolicy: undefined }), invokeConfig()]),
      /EventBridge target .* allows 186 deliveries; expected at most 20/);
  });
  it('aws: a scheduled Lambda whose failed runs nothing dead-letters (EventBridge\'s DLQ sees only failed deliveries)', async () => {
    const m = await stackViolations(consumerDeadLetter, [schedulerFunction, schedulerTarget()]);
    assertViolation(m, /EventBridge target nexus-prod-runtime-saga-timeouts-target invokes Lambda function nexus-prod-runtime-saga-timeouts-fn asynchronously, but no async invocation config sends its failed runs to a dead-letter target/);
    const noDestination = await stackViolations(consumerDeadLetter, [schedulerFunction, schedulerTarget(), invokeConfig({ destinationConfig: undefined })]);
    assertViolation(noDestination, /invokes Lambda function .* asynchronously, but no async invocation config/);
    assertViolation(noDestination, /Lambda async invocation config nexus-prod-runtime-saga-timeouts-async has no dead-letter target/);
  });
  it('aws: an async invocation config for another function does not cover this one', async () => {
    const other: Synth = { ...schedulerFunction, name: 'nexus-prod-runtime-snapshots-fn' };
    const otherConfig = { ...invokeConfig(), propertyDependencies: { functionName: [other.name] } };
    assertViolation(await stackViolations(consumerDeadLetter, [schedulerFunction, other, schedulerTarget(), otherConfig]), /invokes Lambda function nexus-prod-runtime-saga-timeouts-fn asynchronously/);
  });
  it('gcp: a subscription without a dead-letter policy, or with too many attempts', async () => {
    assertViolation(await stackViolations(consumerDeadLetter, [pubsubSubscription({ deadLetterPolicy: undefined })]), /Pub\/Sub subscription nexus-prod-bus-projections-core has no dead-letter target/);
    const many = pubsubSubscription({ deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/dl', maxDeliveryAttempts: 100 } });
    assertViolation(await stackViolations(consumerDeadLetter, [many]), /allows 100 deliveries/);
  });
  it('gcp: the dead-letter inspection subscription is exempt', async () => {
    const inspect = pubsubSubscription({ deadLetterPolicy: undefined, topic: 'projects/p/topics/nexus-prod-bus-deadletter', labels: { 'nexus-role': 'deadletter' } });
    assertNoViolations(await stackViolations(consumerDeadLetter, [inspect]));
  });
  it('azure: a consumer group with no deadletters container in the plan', async () => {
    assertViolation(await stackViolations(consumerDeadLetter, [consumerGroup]), /Event Hubs consumer group core\/projections has no dead-letter target/);
    const other = { ...deadLetterContainer, props: withProp(deadLetterContainer.props, 'resource.id', 'checkpoints') };
    assertViolation(await stackViolations(consumerDeadLetter, [consumerGroup, other]), /no dead-letter target/);
  });
});

describe('policies/messaging: core-path-ordered', () => {
  it('gcp: a core subscription without message ordering is a violation', async () => {
    assertNoViolations(await resourceViolations(corePathOrdered, pubsubSubscription()));
    assertViolation(await resourceViolations(corePathOrdered, pubsubSubscription({ enableMessageOrdering: false })), /on the core path but does not preserve per-stream order; expected enableMessageOrdering/);
  });
  it('gcp: non-critical subscriptions may be unordered', async () => {
    assertNoViolations(await resourceViolations(corePathOrdered, { ...pubsubSubscription({ enableMessageOrdering: false, labels: { 'nexus-role': 'consumer-noncritical' } }), name: 'nexus-prod-runtime-projections-noncritical' }));
  });
  it('aws: a core SQS queue must be FIFO, a core SNS topic too', async () => {
    const core = { ...sqsQueue(), name: 'nexus-prod-bus-core-projections' };
    assertViolation(await resourceViolations(corePathOrdered, core), /FIFO queue/);
    assertNoViolations(await resourceViolations(corePathOrdered, { ...core, props: withProp(core.props, 'fifoQueue', true) }));
    const topic: Synth = { type: 'aws:sns/topic:Topic', name: 'nexus-prod-bus-core', component: 'eventbus', props: {} };
    assertViolation(await resourceViolations(corePathOrdered, topic), /FIFO topic/);
    assertNoViolations(await resourceViolations(corePathOrdered, { ...topic, props: { fifoTopic: true } }));
  });
});
