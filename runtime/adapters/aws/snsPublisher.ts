/**
 * How the non-critical path fans a message out to every group's SQS queue. In AWS that is one
 * SNS topic with one SQS subscription per group (raw message delivery on, so the SQS body is the
 * message JSON): SnsTopicPublisher. Tests against local-aws-sqs (which has no SNS) substitute a
 * publisher that sends to each group's queue directly.
 */
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { UnavailableError } from '../../ports';
import { isThrottling, errorMessage } from './awsErrors';

export interface FanOutPublisher {
  /** Publishes message bodies (already encoded, ≤ 256 KiB each) to every subscribed group. */
  publish(bodies: ReadonlyArray<{ readonly id: string; readonly body: string }>): Promise<void>;
}

export class SnsTopicPublisher implements FanOutPublisher {
  constructor(private readonly client: SNSClient, private readonly topicArn: string, private readonly attempts = 5) {}

  async publish(bodies: ReadonlyArray<{ readonly id: string; readonly body: string }>): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      let pending = bodies.slice(i, i + 10);
      for (let attempt = 1; pending.length > 0; attempt++) {
        let failedIds: Set<string>;
        let why = '';
        try {
          const out = await this.client.send(new PublishBatchCommand({
            TopicArn: this.topicArn,
            // Batch entry ids allow [A-Za-z0-9_-]{1,80}: use the index, map back below.
            PublishBatchRequestEntries: pending.map((b, j) => ({ Id: String(j), Message: b.body })),
          }));
          const failed = out.Failed ?? [];
          const permanent = failed.find((f) => f.SenderFault);
          if (permanent) throw new UnavailableError(`SNS topic ${this.topicArn}`, `rejected a message: ${permanent.Code ?? ''} ${permanent.Message ?? ''}`);
          failedIds = new Set(failed.map((f) => pending[Number(f.Id)]?.id ?? ''));
          why = failed[0]?.Code ?? '';
        } catch (err) {
          if (!isThrottling(err)) throw err;
          failedIds = new Set(pending.map((b) => b.id));
          why = errorMessage(err);
        }
        pending = pending.filter((b) => failedIds.has(b.id));
        if (pending.length > 0 && attempt >= this.attempts) {
          throw new UnavailableError(`SNS topic ${this.topicArn}`, `${pending.length} message(s) not accepted after ${attempt} attempts: ${why}`);
        }
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}
