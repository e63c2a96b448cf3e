/**
 * DeadLetterQueue over SQS dead-letter queues (ADR 0052): the core DLQ (Kinesis records that
 * failed maxAttempts, every group, group named in the body) and each group's non-critical DLQ.
 * SQS cannot be browsed, so list/get/count/redrive/purge "browse": receive every visible message
 * with a short visibility timeout, act on the ones asked for (delete after redrive or purge), and
 * make the rest visible again at once. Redrive hands the dead letter back to its group only.
 * For the same reason the tenant and group filters (ADR 0134) are applied to the browsed
 * messages in process: SQS has no query, so every call scans the whole DLQ, whatever it asks.
 */
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterFilter, DeadLetterListOptions, DeadLetterQueue } from '../../ports';
import {
  countByGroupOf, matchesDeadLetterFilter, normalizeDeadLetterFilter, normalizeDeadLetterQuery, normalizePurgeTarget, pageOf, purgeSelects,
} from '../../ports/deadLetters';
import { translateAwsError } from './awsErrors';

interface Browsed {
  readonly queueUrl: string;
  readonly receiptHandle: string;
  readonly deadLetter: DeadLetter;
  /** Deleted during this browse (redriven or purged): not released. */
  gone?: boolean;
}

export interface SqsDeadLetterQueueOptions {
  readonly client: SQSClient;
  /** DLQ URLs to browse (evaluated on each call: groups may be added later). */
  readonly queues: () => readonly string[];
  /** Delivers a redriven dead letter to its group again. */
  readonly redrive: (deadLetter: DeadLetter) => Promise<void>;
  /** Seconds a browsed message stays hidden if the browser dies before releasing it; default 5. */
  readonly browseVisibilitySeconds?: number;
}

/** Writes a dead letter into an SQS DLQ (used by the consumers). */
export async function sendDeadLetter(client: SQSClient, queueUrl: string, dl: DeadLetter): Promise<void> {
  await client.send(new SendMessageCommand({
    QueueUrl: queueUrl, MessageBody: JSON.stringify(dl),
    MessageAttributes: { group: { DataType: 'String', StringValue: dl.group } },
  }));
}

export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly o: SqsDeadLetterQueueOptions) {}

  async list(options?: DeadLetterListOptions): Promise<DeadLetter[]> {
    const q = normalizeDeadLetterQuery(options);
    return this.browse(async (all) => pageOf(all.map((b) => b.deadLetter), q));
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return this.browse(async (all) => all.find((b) => b.deadLetter.id === id)?.deadLetter);
  }

  async count(filter?: DeadLetterFilter | string): Promise<number> {
    const f = normalizeDeadLetterFilter(filter);
    return this.browse(async (all) => all.filter((b) => matchesDeadLetterFilter(b.deadLetter, f)).length);
  }

  async countByGroup(filter?: Pick<DeadLetterFilter, 'tenant'>): Promise<Map<string, number>> {
    const f = normalizeDeadLetterFilter({ tenant: filter?.tenant });
    return this.browse(async (all) => countByGroupOf(all.map((b) => b.deadLetter), f));
  }

  async redrive(ids: readonly string[]): Promise<number> {
    const wanted = new Set(ids);
    return this.browse(async (all) => {
      let n = 0;
      for (const b of all.filter((x) => wanted.has(x.deadLetter.id))) {
        await this.o.redrive(b.deadLetter);
        await this.o.client.send(new DeleteMessageCommand({ QueueUrl: b.queueUrl, ReceiptHandle: b.receiptHandle }));
        b.gone = true;
        n++;
      }
      return n;
    });
  }

  async purge(target?: readonly string[] | DeadLetterFilter): Promise<number> {
    const selected = purgeSelects(normalizePurgeTarget(target));
    return this.browse(async (all) => {
      let n = 0;
      for (const b of all.filter((x) => selected(x.deadLetter))) {
        await this.o.client.send(new DeleteMessageCommand({ QueueUrl: b.queueUrl, ReceiptHandle: b.receiptHandle }));
        b.gone = true;
        n++;
      }
      return n;
    });
  }

  /** Receives every visible dead letter, runs `act`, then releases what is left (visibility 0). */
  private async browse<T>(act: (all: Browsed[]) => Promise<T>): Promise<T> {
    const all: Browsed[] = [];
    try {
      for (const queueUrl of new Set(this.o.queues())) {
        for (;;) {
          const out = await this.o.client.send(new ReceiveMessageCommand({
            QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: this.o.browseVisibilitySeconds ?? 5,
          }));
          const got = out.Messages ?? [];
          for (const m of got) {
            if (!m.ReceiptHandle || !m.Body) continue;
            all.push({ queueUrl, receiptHandle: m.ReceiptHandle, deadLetter: JSON.parse(m.Body) as DeadLetter });
          }
          if (got.length === 0) break;
        }
      }
      // The same SQS message can only be received once while hidden; dedupe by dead-letter id anyway.
      const unique = [...new Map(all.map((b) => [b.deadLetter.id, b])).values()];
      return await act(unique);
    } catch (err) {
      throw translateAwsError(err, 'SQS dead-letter queue');
    } finally {
      await this.release(all.filter((b) => !b.gone));
    }
  }

  private async release(items: Browsed[]): Promise<void> {
    const byQueue = new Map<string, Browsed[]>();
    for (const b of items) byQueue.set(b.queueUrl, [...(byQueue.get(b.queueUrl) ?? []), b]);
    for (const [queueUrl, list] of byQueue) {
      for (let i = 0; i < list.length; i += 10) {
        await this.o.client.send(new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: list.slice(i, i + 10).map((b, j) => ({ Id: String(j), ReceiptHandle: b.receiptHandle, VisibilityTimeout: 0 })),
        })).catch(() => undefined);
      }
    }
  }
}
