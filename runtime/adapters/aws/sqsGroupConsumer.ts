/**
 * One subscriber of a consumer group on the non-critical path: long-polls the group's SQS queue
 * and runs the handler. Ack = DeleteMessage. Nack = re-send a copy carrying attempt + 1 (with a
 * DelaySeconds backoff) and delete the original — the attempt count then survives restarts and
 * does not depend on ApproximateReceiveCount (which local-aws-sqs lacks). After maxAttempts, or
 * at once on PermanentError, the message goes to the group's DLQ. The queue's own redrive policy
 * (maxReceiveCount) stays as the safety net for a consumer that dies holding a message.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { isPermanentError, type Clock, type SubscribeOptions } from '../../ports';
import { backoffDelay } from '../../core/retry';
import { decodeMessage, encodeMessage, newDeadLetter, toBusMessage } from './busRecords';
import { sendDeadLetter } from './SqsDeadLetterQueue';

export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

export interface GroupQueues {
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

export interface SqsGroupConsumerOptions {
  readonly client: SQSClient;
  readonly queues: GroupQueues;
  readonly subscribe: SubscribeOptions;
  readonly clock: Clock;
  /** Long-poll wait per ReceiveMessage (s); default 1 so close() is quick. */
  readonly waitSeconds: number;
  readonly visibilitySeconds: number;
  readonly retryDelay: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly onError: (err: unknown) => void;
}

export class SqsGroupConsumer {
  private closed = false;
  private readonly done: Promise<void>;

  constructor(private readonly o: SqsGroupConsumerOptions) {
    this.done = this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.done;
  }

  private async run(): Promise<void> {
    const { client, queues } = this.o;
    while (!this.closed) {
      try {
        const out = await client.send(new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: Math.min(10, Math.max(1, this.o.subscribe.concurrency ?? 10)),
          WaitTimeSeconds: this.o.waitSeconds,
          VisibilityTimeout: this.o.visibilitySeconds,
        }));
        const messages = out.Messages ?? [];
        if (this.closed) return; // unacked: visible again after the visibility timeout
        const limit = Math.max(1, this.o.subscribe.concurrency ?? 1);
        const queue = [...messages];
        await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
          for (let m = queue.shift(); m; m = queue.shift()) await this.handle(m);
        }));
      } catch (err) {
        this.o.onError(err);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async handle(raw: Message): Promise<void> {
    const { client, queues, subscribe } = this.o;
    const wire = decodeMessage(raw.Body, `SQS message ${raw.MessageId ?? ''}`);
    const attempt = wire.attempt ?? 1;
    const message = toBusMessage(wire);
    try {
      await subscribe.handler({ message, attempt, group: subscribe.group });
    } catch (err) {
      if (isPermanentError(err) || attempt >= (subscribe.maxAttempts ?? 5)) {
        await sendDeadLetter(client, queues.dlqUrl, newDeadLetter(subscribe.group, message, attempt, err, this.o.clock.now()));
      } else {
        const delay = Math.ceil(backoffDelay(attempt, this.o.retryDelay) / 1000);
        await client.send(new SendMessageCommand({
          QueueUrl: queues.queueUrl, MessageBody: encodeMessage({ ...message, attempt: attempt + 1 }, SQS_MAX_MESSAGE_BYTES),
          DelaySeconds: Math.min(900, delay),
        }));
      }
    }
    await client.send(new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: raw.ReceiptHandle }));
  }
}
