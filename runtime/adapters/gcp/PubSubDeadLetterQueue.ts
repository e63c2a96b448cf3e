/**
 * The EventBus dead-letter queue on Pub/Sub (ADR 0062): the dead-letter topic's own pull
 * subscription. Pub/Sub has no "browse": list/get/count pull a page of messages and release
 * them at once (ack deadline 0), so they stay in the queue; redrive republishes to the original
 * path marked for the original group only, then acks; purge acks. Acked means gone. A pull
 * subscription cannot be queried, so the tenant and group filters (ADR 0134) are applied in
 * process to everything pulled: each call scans the whole dead-letter subscription.
 */
import { v1, type PubSub } from '@google-cloud/pubsub';
import type { BusPath, DeadLetter, DeadLetterFilter, DeadLetterListOptions, DeadLetterQueue } from '../../ports/EventBus';
import {
  countByGroupOf, matchesDeadLetterFilter, normalizeDeadLetterFilter, normalizeDeadLetterQuery, normalizePurgeTarget, pageOf, purgeSelects,
} from '../../ports/deadLetters';
import { decodeDeadLetter } from './pubsubMessages';
import { guarded } from './googleErrors';

interface Pulled {
  readonly ackId: string;
  readonly deadLetter: DeadLetter | undefined;
}

export interface PubSubDeadLetterQueueOptions {
  readonly pubsub: PubSub;
  /** Full or short name of the dead-letter topic's pull subscription. */
  readonly subscription: string;
  readonly groupOfSubscription: (subscription: string) => { group: string; path: BusPath } | undefined;
  readonly redrive: (deadLetter: DeadLetter) => Promise<void>;
}

const SERVICE = 'Pub/Sub dead-letter queue';
const PAGE = 500;

export class PubSubDeadLetterQueue implements DeadLetterQueue {
  private client: Promise<v1.SubscriberClient> | undefined;

  constructor(private readonly options: PubSubDeadLetterQueueOptions) {}

  async list(options?: DeadLetterListOptions): Promise<DeadLetter[]> {
    const q = normalizeDeadLetterQuery(options);
    return pageOf(await this.browse(), q);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return (await this.browse()).find((d) => d.id === id);
  }

  async count(filter?: DeadLetterFilter | string): Promise<number> {
    const f = normalizeDeadLetterFilter(filter);
    return (await this.browse()).filter((d) => matchesDeadLetterFilter(d, f)).length;
  }

  async countByGroup(filter?: Pick<DeadLetterFilter, 'tenant'>): Promise<Map<string, number>> {
    const f = normalizeDeadLetterFilter({ tenant: filter?.tenant });
    return countByGroupOf(await this.browse(), f);
  }

  async redrive(ids: readonly string[]): Promise<number> {
    const wanted = new Set(ids);
    return this.take((d) => wanted.has(d.id), (d) => this.options.redrive(d));
  }

  async purge(target?: readonly string[] | DeadLetterFilter): Promise<number> {
    return this.take(purgeSelects(normalizePurgeTarget(target)), async () => undefined);
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).close();
  }

  /** Every dead letter currently in the queue, released again before returning. */
  private async browse(): Promise<DeadLetter[]> {
    const pulled = await this.pullAll();
    await this.release(pulled.map((p) => p.ackId));
    const byId = new Map<string, DeadLetter>();
    for (const p of pulled) if (p.deadLetter) byId.set(p.deadLetter.id, p.deadLetter);
    return [...byId.values()].sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt) || a.id.localeCompare(b.id));
  }

  /** Pulls everything, acts on and acks the selected dead letters, releases the rest. */
  private async take(select: (d: DeadLetter) => boolean, act: (d: DeadLetter) => Promise<void>): Promise<number> {
    const pulled = await this.pullAll();
    const done = new Set<string>();
    const ack: string[] = [];
    const release: string[] = [];
    for (const p of pulled) {
      const d = p.deadLetter;
      if (!d || !select(d)) {
        release.push(p.ackId);
        continue;
      }
      if (!done.has(d.id)) await act(d);
      done.add(d.id);
      ack.push(p.ackId);
    }
    const client = await this.subscriber();
    if (ack.length > 0) await guarded(SERVICE, () => client.acknowledge({ subscription: this.name(), ackIds: ack }));
    await this.release(release);
    return done.size;
  }

  private async pullAll(): Promise<Pulled[]> {
    const client = await this.subscriber();
    const out: Pulled[] = [];
    for (let empty = 0; empty < 2;) {
      const [resp] = await guarded(SERVICE, () => client.pull({ subscription: this.name(), maxMessages: PAGE, returnImmediately: true }));
      const received = resp.receivedMessages ?? [];
      if (received.length === 0) {
        empty++;
        continue;
      }
      for (const r of received) {
        const m = r.message!;
        const publishTime = m.publishTime?.seconds !== undefined && m.publishTime?.seconds !== null
          ? new Date(Number(m.publishTime.seconds) * 1000 + Math.floor((m.publishTime.nanos ?? 0) / 1e6)).toISOString()
          : new Date().toISOString();
        out.push({
          ackId: r.ackId!,
          deadLetter: decodeDeadLetter(m.messageId!, Buffer.from(m.data ?? ''), m.attributes ?? {}, publishTime, this.options.groupOfSubscription),
        });
      }
    }
    return out;
  }

  private async release(ackIds: readonly string[]): Promise<void> {
    if (ackIds.length === 0) return;
    const client = await this.subscriber();
    await guarded(SERVICE, () => client.modifyAckDeadline({ subscription: this.name(), ackIds: [...ackIds], ackDeadlineSeconds: 0 }));
  }

  private name(): string {
    const s = this.options.subscription;
    return s.startsWith('projects/') ? s : `projects/${this.options.pubsub.projectId}/subscriptions/${s}`;
  }

  private subscriber(): Promise<v1.SubscriberClient> {
    this.client ??= this.options.pubsub.getClientConfig().then((config) => new v1.SubscriberClient(config as ConstructorParameters<typeof v1.SubscriberClient>[0]));
    return this.client;
  }
}
