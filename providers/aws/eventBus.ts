/**
 * AWS EventBus. Core path: one Kinesis stream (ordered per partition key = stream id, KMS
 * encrypted) with an SQS dead-letter queue for records consumers give up on. Non-critical path:
 * an SNS topic fanned out to one SQS queue per consumer group; every queue has a DLQ with a
 * redrive policy and every subscription has its own redrive to that DLQ. All queues and the
 * topic are encrypted with the bus CMK, whose policy lets SNS deliver into the queues.
 */
import * as pulumi from '@pulumi/pulumi';
import * as kinesis from '@pulumi/aws/kinesis';
import * as sns from '@pulumi/aws/sns';
import * as sqs from '@pulumi/aws/sqs';
import type { EventBusArgs } from '../../components/args';
import type { EventBusOutputs, ProviderRefs } from '../../components/outputs';
import { childName } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { awsTags, customerKey, policyDocument } from './common';

export function awsEventBus(name: string, args: EventBusArgs, parent: pulumi.ComponentResource): EventBusOutputs {
  const { placement } = args;
  const tags = awsTags(placement, 'eventbus');
  const region = placement.region;
  const groups = args.consumerGroups ?? DEFAULTS.consumerGroups;
  const dlqRetention = pulumi.output(args.deadLetterRetentionDays ?? DEFAULTS.deadLetterRetentionDays).apply((d) => d * 86400);
  const maxReceive = args.maxDeliveryAttempts ?? DEFAULTS.maxDeliveryAttempts;
  const key = customerKey(childName(name, 'key'), 'nexus event bus', placement, parent, ['sns.amazonaws.com']);

  const stream = new kinesis.Stream(childName(name, 'core'), {
    region,
    shardCount: args.partitions ?? DEFAULTS.busPartitions,
    retentionPeriod: args.retentionHours ?? DEFAULTS.busRetentionHours,
    streamModeDetails: { streamMode: 'PROVISIONED' },
    encryptionType: 'KMS',
    kmsKeyId: key.arn,
    shardLevelMetrics: ['IncomingRecords', 'IteratorAgeMilliseconds', 'WriteProvisionedThroughputExceeded'],
    tags,
  }, { parent });

  const queueBase = { region, kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300, tags };
  const coreDlq = new sqs.Queue(childName(name, 'core-dlq'), { ...queueBase, messageRetentionSeconds: dlqRetention }, { parent });

  const topic = new sns.Topic(childName(name, 'noncritical'), { region, kmsMasterKeyId: key.arn, tags }, { parent });

  const queues: Record<string, pulumi.Output<{ queueUrl: string; dlqUrl: string }>> = {};
  const refs: Record<string, pulumi.Output<string>> = {};
  for (const group of groups) {
    const dlq = new sqs.Queue(childName(name, `${group}-dlq`), { ...queueBase, messageRetentionSeconds: dlqRetention }, { parent });
    const queue = new sqs.Queue(childName(name, group), {
      ...queueBase,
      visibilityTimeoutSeconds: 180,
      redrivePolicy: pulumi.all([dlq.arn, maxReceive]).apply(([arn, n]) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: n })),
    }, { parent });
    // SNS may send into the queue (deliveries) and its DLQ (undeliverable messages), from this topic only.
    for (const [suffix, q] of [['policy', queue], ['dlq-policy', dlq]] as const) {
      new sqs.QueuePolicy(childName(name, `${group}-${suffix}`), {
        region,
        queueUrl: q.url,
        policy: pulumi.all([q.arn, topic.arn]).apply(([qArn, tArn]) => policyDocument([{
          Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: qArn,
          Condition: { ArnEquals: { 'aws:SourceArn': tArn } },
        }])),
      }, { parent });
    }
    new sns.TopicSubscription(childName(name, `${group}-sub`), {
      region,
      topic: topic.arn,
      protocol: 'sqs',
      endpoint: queue.arn,
      rawMessageDelivery: true,
      redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn })),
    }, { parent });
    queues[group] = pulumi.all([queue.url, dlq.url]).apply(([queueUrl, dlqUrl]) => ({ queueUrl, dlqUrl }));
    refs[`queueArn:${group}`] = queue.arn;
    refs[`dlqArn:${group}`] = dlq.arn;
    refs[`dlqName:${group}`] = dlq.name;
  }

  const allRefs: ProviderRefs = {
    ...refs,
    keyArn: key.arn,
    streamArn: stream.arn,
    streamName: stream.name,
    topicArn: topic.arn,
    coreDlqArn: coreDlq.arn,
    coreDlqUrl: coreDlq.url,
    'dlqName:core': coreDlq.name,
  };
  return {
    manifest: pulumi.all([stream.name, topic.arn, coreDlq.url, pulumi.all(queues)]).apply(([s, t, d, q]) => ({
      kind: 'kinesis+sns' as const, region, stream: s, topicArn: t, queues: q, coreDlqUrl: d,
    })),
    refs: allRefs,
  };
}
