/**
 * The runtime's scheduled functions (time-based snapshots, saga timeouts): an EventBridge rate
 * rule invoking the function, and one dead-letter queue per schedule that receives BOTH kinds of
 * failure. EventBridge's own retry policy and DLQ cover only delivery (the invoke call: missing
 * permission, throttled API); EventBridge invokes Lambda asynchronously, so a run that throws is
 * retried by Lambda's async invocation config and then sent to the same queue by its on-failure
 * destination. Without that second half a failing run would be retried twice and dropped.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as lambda from '@pulumi/aws/lambda';
import * as sqs from '@pulumi/aws/sqs';
import type { Placement } from '../../components/args';
import { childName } from '../../components/naming';
import { awsTags, policyDocument } from './common';

/** EventBridge rate expression for a period in minutes. */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/** Retries before a run is dead-lettered, on both legs (EventBridge delivery, Lambda async). */
export const SCHEDULE_RETRY = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } as const;

/**
 * The queue is created before its function: the function's role may send to it (the on-failure
 * destination uses the function's role), so its ARN is part of the role's policy.
 */
export function schedulerDlq(name: string, placement: Placement, parent: pulumi.Resource): sqs.Queue {
  return new sqs.Queue(childName(name, 'dlq'), {
    region: placement.region, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 86400, tags: awsTags(placement, 'runtime'),
  }, { parent });
}

export interface ScheduleArgs {
  readonly placement: Placement;
  readonly description: string;
  readonly scheduleExpression: pulumi.Input<string>;
  readonly fn: lambda.Function;
  readonly dlq: sqs.Queue;
}

export interface Schedule {
  readonly rule: cloudwatch.EventRule;
  readonly target: cloudwatch.EventTarget;
  readonly invokeConfig: lambda.FunctionEventInvokeConfig;
}

/** Resource names derive from `name` (`<name>-schedule`, `-target`, `-invoke`, `-dlq-policy`, `-async`). */
export function schedule(name: string, a: ScheduleArgs, parent: pulumi.Resource): Schedule {
  const region = a.placement.region;
  const rule = new cloudwatch.EventRule(childName(name, 'schedule'), {
    region, description: a.description, scheduleExpression: a.scheduleExpression, tags: awsTags(a.placement, 'runtime'),
  }, { parent });
  new sqs.QueuePolicy(childName(name, 'dlq-policy'), {
    region,
    queueUrl: a.dlq.url,
    policy: pulumi.all([a.dlq.arn, rule.arn]).apply(([q, r]) => policyDocument([{
      Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: q,
      Condition: { ArnEquals: { 'aws:SourceArn': r } },
    }])),
  }, { parent });
  const target = new cloudwatch.EventTarget(childName(name, 'target'), {
    region,
    rule: rule.name,
    arn: a.fn.arn,
    retryPolicy: { ...SCHEDULE_RETRY },
    deadLetterConfig: { arn: a.dlq.arn },
  }, { parent });
  new lambda.Permission(childName(name, 'invoke'), {
    region, action: 'lambda:InvokeFunction', function: a.fn.name, principal: 'events.amazonaws.com', sourceArn: rule.arn,
  }, { parent });
  const invokeConfig = new lambda.FunctionEventInvokeConfig(childName(name, 'async'), {
    region,
    functionName: a.fn.name,
    ...SCHEDULE_RETRY,
    destinationConfig: { onFailure: { destination: a.dlq.arn } },
  }, { parent });
  return { rule, target, invokeConfig };
}
