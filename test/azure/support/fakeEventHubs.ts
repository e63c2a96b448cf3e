/**
 * A fake of the small Event Hubs client surface EventHubsEventBus uses (eventHubsClients.ts),
 * with the service behaviour the adapter relies on, taken from the Event Hubs docs: hubs with a
 * fixed partition count, a partition key always mapping to the same partition, events kept in
 * order with increasing sequence numbers, consumer groups reading independently, partitions of a
 * group owned by one subscriber at a time (the processor's load balancing), processEvents awaited
 * before the next batch of a partition, checkpoints per (group, partition), batches capped at
 * 1 MB. Recorded service errors (MessagingError shapes: ServerBusyError, MessageTooLargeError,
 * ...) can be queued for the next sends. There is no local Event Hubs server to test against.
 */
import type { EventData, PartitionContext, ReceivedEventData, SubscribeOptions, Subscription, SubscriptionEventHandlers } from '@azure/event-hubs';
import type { BusPath } from '../../../runtime/ports/EventBus';
import type { EventHubsClients, HubConsumer, HubProducer } from '../../../runtime/adapters/azure/eventHubsClients';

const MAX_BATCH_BYTES = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Recorded MessagingError shapes (@azure/core-amqp) as the service returns them. */
export const RECORDED_ERRORS = {
  serverBusy: () => Object.assign(new Error('The request was terminated because the entity is being throttled. Error code : 50002. Sub error : 102. Please wait 4 seconds and try again.'), { name: 'MessagingError', code: 'ServerBusyError', retryable: true }),
  messageTooLarge: () => Object.assign(new Error('The received message (delivery-id:0, size:1048900 bytes) exceeds the limit (1048576 bytes) currently allowed on the link.'), { name: 'MessagingError', code: 'MessageTooLargeError', retryable: false }),
  unauthorized: () => Object.assign(new Error("Unauthorized access. 'Send' claim(s) are required to perform this operation."), { name: 'MessagingError', code: 'UnauthorizedError', retryable: false }),
};

function hash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h);
}

const size = (e: EventData): number => Buffer.byteLength(JSON.stringify(e.body), 'utf8') + Buffer.byteLength(JSON.stringify(e.properties ?? {}), 'utf8') + 64;

class FakeBatch {
  readonly events: EventData[] = [];
  private bytes = 0;
  readonly maxSizeInBytes = MAX_BATCH_BYTES;
  constructor(readonly partitionKey: string | undefined) {}
  get count(): number {
    return this.events.length;
  }
  get sizeInBytes(): number {
    return this.bytes;
  }
  tryAdd(event: EventData): boolean {
    const s = size(event);
    if (this.bytes + s > this.maxSizeInBytes) return false;
    this.bytes += s;
    this.events.push(JSON.parse(JSON.stringify(event)) as EventData);
    return true;
  }
}

interface Partition { readonly events: ReceivedEventData[] }
interface Hub { readonly partitions: Partition[] }
interface Sub { readonly id: number; readonly hub: BusPath; readonly group: string; stopped: boolean }

export class FakeEventHubs implements EventHubsClients {
  readonly hubs: Record<BusPath, Hub>;
  /** Every createBatch call, to assert partition keys. */
  readonly batchesCreated: Array<{ hub: BusPath; partitionKey: string | undefined }> = [];
  readonly sent: Array<{ hub: BusPath; partitionKey: string | undefined; events: EventData[] }> = [];
  private readonly failures: Array<() => Error> = [];
  private readonly checkpoints = new Map<string, number>();
  private readonly busy = new Set<string>();
  private readonly subs: Sub[] = [];
  private nextSub = 0;

  constructor(partitions: Record<BusPath, number> = { core: 4, noncritical: 2 }) {
    this.hubs = {
      core: { partitions: Array.from({ length: partitions.core }, () => ({ events: [] })) },
      noncritical: { partitions: Array.from({ length: partitions.noncritical }, () => ({ events: [] })) },
    };
  }

  /** The next `times` sends fail with the recorded error. */
  failNextSends(error: () => Error, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(error);
  }

  producer(path: BusPath): HubProducer {
    return {
      createBatch: async (options) => {
        this.batchesCreated.push({ hub: path, partitionKey: options.partitionKey });
        return new FakeBatch(options.partitionKey);
      },
      sendBatch: async (b) => {
        const failure = this.failures.shift();
        if (failure) throw failure();
        const batch = b as unknown as FakeBatch;
        this.sent.push({ hub: path, partitionKey: batch.partitionKey, events: batch.events });
        const partitions = this.hubs[path].partitions;
        const p = partitions[batch.partitionKey === undefined ? 0 : hash(batch.partitionKey) % partitions.length]!;
        for (const e of batch.events) {
          const seq = p.events.length;
          p.events.push({
            body: e.body, properties: e.properties ?? {}, partitionKey: batch.partitionKey ?? null, sequenceNumber: seq, offset: String(seq),
            enqueuedTimeUtc: new Date(), systemProperties: {},
          } as unknown as ReceivedEventData);
        }
      },
      close: async () => undefined,
    };
  }

  consumer(path: BusPath, consumerGroup: string): HubConsumer {
    const subscriptions: Array<{ close(): Promise<void> }> = [];
    return {
      subscribe: (handlers, options) => {
        const s = this.subscribe(path, consumerGroup, handlers, options);
        subscriptions.push(s);
        return s;
      },
      close: async () => {
        for (const s of subscriptions) await s.close();
      },
    };
  }

  private subscribe(hub: BusPath, group: string, handlers: SubscriptionEventHandlers, options: SubscribeOptions = {}): Subscription {
    const sub: Sub = { id: this.nextSub++, hub, group, stopped: false };
    this.subs.push(sub);
    const start = (options.startPosition as { enqueuedOn?: Date } | undefined)?.enqueuedOn;
    const loop = (async () => {
      while (!sub.stopped) {
        let worked = false;
        const owners = this.subs.filter((s) => s.hub === hub && s.group === group && !s.stopped);
        const partitions = this.hubs[hub].partitions;
        for (let p = 0; p < partitions.length && !sub.stopped; p++) {
          if (owners[p % owners.length] !== sub) continue;
          const key = `${hub}/${group}/${p}`;
          if (this.busy.has(key)) continue;
          const cp = this.checkpoints.get(key);
          const pending = partitions[p]!.events.filter((e) => (cp === undefined ? !start || e.enqueuedTimeUtc.getTime() >= start.getTime() : e.sequenceNumber > cp));
          if (pending.length === 0) continue;
          const batch = pending.slice(0, options.maxBatchSize ?? 10);
          this.busy.add(key);
          worked = true;
          const context = {
            fullyQualifiedNamespace: 'fake.servicebus.windows.net', eventHubName: hub, consumerGroup: group, partitionId: String(p),
            updateCheckpoint: async (e: ReceivedEventData) => { this.checkpoints.set(key, e.sequenceNumber); },
          } as unknown as PartitionContext;
          try {
            await handlers.processEvents(batch, context);
          } catch (err) {
            await handlers.processError(err as Error, context);
          } finally {
            this.busy.delete(key);
          }
        }
        if (!worked) await sleep(5);
      }
    })();
    return {
      get isRunning() {
        return !sub.stopped;
      },
      close: async () => {
        sub.stopped = true;
        await loop;
      },
    };
  }
}
