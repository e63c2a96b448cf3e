/**
 * One consumer group reading one Kinesis shard (ADR 0051): a lease in the CheckpointStore makes
 * the group's subscribers (in this process or others) share shards without double processing;
 * the per-(group, shard) checkpoint is the sequence number of the last settled record, written
 * after each batch, so a restart resumes AFTER_SEQUENCE_NUMBER (at-least-once). A group that
 * has no checkpoint yet reads from TRIM_HORIZON and skips records that arrived before the group
 * was created, so it receives everything published after it first subscribed. (AT_TIMESTAMP would
 * skip the old records server-side, but kinesalite never answers it on a shard with no record
 * after the timestamp — exactly a new group's case — so the one code path is the portable one.)
 * Within a batch not yet checkpointed, a `progress` record keeps the attempt count of a failing
 * message (written at each retry) and, on close, the ids already settled: the next holder of the
 * lease continues the count and does not deliver settled messages again.
 */
import { randomUUID } from 'node:crypto';
import {
  GetRecordsCommand, GetShardIteratorCommand, type GetShardIteratorCommandInput, type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { isCheckpointConflictError, type BusMessage, type CheckpointStore, type Clock } from '../../ports';
import { decodeMessage, deliverInOrder, toBusMessage, type OrderedDeliveryOptions } from './busRecords';
import { errorName } from './awsErrors';

export interface ShardConsumerOptions extends Omit<OrderedDeliveryOptions, 'isClosed'> {
  readonly client: KinesisClient;
  readonly stream: string;
  readonly shardId: string;
  readonly checkpoints: CheckpointStore;
  readonly clock: Clock;
  /** Epoch ms the group was created (its first subscription). */
  readonly groupSince: number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly onError: (err: unknown) => void;
}

export function groupKey(stream: string, group: string): string {
  return `bus/kinesis/${stream}/${group}`;
}

export class KinesisShardConsumer {
  private readonly owner = randomUUID();
  private lease: string | undefined;
  private iterator: string | undefined;
  /** True until the group has a checkpoint on this shard: records older than groupSince are skipped. */
  private filterByArrival = false;
  /** Batch progress since the last checkpoint (see header); `dirty` = stored and must be cleared. */
  private progress: { settled: string[]; attempts: Record<string, number> } = { settled: [], attempts: {} };
  private progressStored = false;
  private closed = false;
  private readonly done: Promise<void>;

  constructor(private readonly o: ShardConsumerOptions) {
    this.done = this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.done;
    if (this.lease) await this.o.checkpoints.set(this.leaseName, '', { current: this.lease }).catch(() => undefined);
  }

  private get base(): string {
    return `${groupKey(this.o.stream, this.o.group)}/${this.o.shardId}`;
  }
  private get leaseName(): string {
    return `${this.base}/lease`;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        if (!(await this.holdLease())) {
          this.iterator = undefined;
          await this.sleep(Math.min(this.o.leaseMs / 3, 1000));
          continue;
        }
        this.iterator ??= await this.startIterator();
        const out = await this.o.client.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: 500 }));
        const records = out.Records ?? [];
        const messages: BusMessage[] = [];
        for (const r of records) {
          if (this.filterByArrival && (r.ApproximateArrivalTimestamp?.getTime() ?? Infinity) < this.o.groupSince) continue;
          const m = decodeMessage(r.Data, `kinesis record ${r.SequenceNumber}`);
          if (m.redriveTo === undefined || m.redriveTo === this.o.group) messages.push(toBusMessage(m));
        }
        const pending = messages.filter((m) => !this.progress.settled.includes(m.id));
        if (pending.length > 0) {
          const settled = await deliverInOrder(pending, {
            ...this.o,
            isClosed: () => this.closed,
            firstAttempt: (m) => (this.progress.attempts[m.id] ?? 0) + 1,
            onRetry: async (m, attempt) => {
              this.progress.attempts[m.id] = attempt;
              await this.saveProgress();
            },
            onSettled: (m) => {
              this.progress.settled.push(m.id);
              delete this.progress.attempts[m.id];
            },
          });
          if (!settled) {
            // Closed mid-batch: no checkpoint; the next owner redelivers only what is unsettled.
            await this.saveProgress();
            return;
          }
        }
        const last = records[records.length - 1]?.SequenceNumber;
        if (last) {
          await this.o.checkpoints.set(`${this.base}/seq`, last);
          this.filterByArrival = false;
          this.progress = { settled: [], attempts: {} };
          if (this.progressStored) await this.o.checkpoints.delete(`${this.base}/progress`);
          this.progressStored = false;
        }
        this.iterator = out.NextShardIterator;
        if (records.length === 0) await this.sleep(this.o.pollIntervalMs);
      } catch (err) {
        if (errorName(err) === 'ExpiredIteratorException') this.iterator = undefined;
        else this.o.onError(err);
        await this.sleep(this.o.pollIntervalMs);
      }
    }
  }

  /** Takes or renews the shard lease; false when another consumer of the group holds it. */
  private async holdLease(): Promise<boolean> {
    const now = this.o.clock.now().getTime();
    if (this.lease) {
      const expires = Number(this.lease.split('|')[1]);
      if (expires - now > this.o.leaseMs / 2) return true;
    }
    const current = await this.o.checkpoints.get(this.leaseName);
    const [holder, until] = (current ?? '').split('|');
    if (current && holder !== this.owner && Number(until) > now) {
      this.lease = undefined;
      return false;
    }
    const next = `${this.owner}|${now + this.o.leaseMs}`;
    try {
      await this.o.checkpoints.set(this.leaseName, next, { current });
      this.lease = next;
      return true;
    } catch (err) {
      if (!isCheckpointConflictError(err)) throw err;
      this.lease = undefined;
      return false;
    }
  }

  private async saveProgress(): Promise<void> {
    await this.o.checkpoints.set(`${this.base}/progress`, JSON.stringify(this.progress));
    this.progressStored = true;
  }

  private async startIterator(): Promise<string | undefined> {
    const stored = await this.o.checkpoints.get(`${this.base}/progress`);
    this.progress = stored ? (JSON.parse(stored) as typeof this.progress) : { settled: [], attempts: {} };
    this.progressStored = stored !== undefined;
    const seq = await this.o.checkpoints.get(`${this.base}/seq`);
    this.filterByArrival = !seq;
    const input: GetShardIteratorCommandInput = seq
      ? { StreamName: this.o.stream, ShardId: this.o.shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: seq }
      : { StreamName: this.o.stream, ShardId: this.o.shardId, ShardIteratorType: 'TRIM_HORIZON' };
    return (await this.o.client.send(new GetShardIteratorCommand(input))).ShardIterator;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, this.closed ? 0 : ms));
  }
}
