/**
 * The EventBus behaviour both local buses share, over a BusStorage: publish (size check,
 * fan-out, wake subscribers), subscribe (one SubscriptionDispatcher each), and the
 * dead-letter queue operations.
 */
import type { BusMessage, DeadLetterQueue, EventBus, SubscribeOptions, Subscription } from '../../../ports/EventBus';
import { normalizeDeadLetterFilter, normalizeDeadLetterQuery, normalizePurgeTarget } from '../../../ports/deadLetters';
import { InvalidArgumentError, NexusError } from '../../../ports/errors';
import type { BusStorage } from './BusStorage';
import { checkMessageSizes } from './BusStorage';
import { DEFAULT_DISPATCHER_SETTINGS, SubscriptionDispatcher, type DispatcherSettings } from './SubscriptionDispatcher';

export class ClosedBusError extends NexusError {
  readonly code = 'BUS_CLOSED' as const;
  constructor(readonly bus: string) {
    super(`${bus} is closed: open a new one (close() was called before this call)`);
  }
}

export abstract class LocalBusCore implements EventBus {
  private readonly dispatchers = new Set<SubscriptionDispatcher>();
  private closed = false;
  private readonly settings: DispatcherSettings;
  readonly deadLetters: DeadLetterQueue;

  protected constructor(private readonly storage: BusStorage, private readonly busName: string, settings: Partial<DispatcherSettings> = {}) {
    this.settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...settings };
    const open = (): BusStorage => {
      this.assertOpen();
      return this.storage;
    };
    this.deadLetters = {
      list: async (o) => open().listDeadLetters(normalizeDeadLetterQuery(o)),
      get: async (id: string) => open().getDeadLetter(id),
      redrive: async (ids: readonly string[]) => {
        const n = open().redrive(ids, Date.now());
        this.wakeAll();
        return n;
      },
      purge: async (target) => open().purge(normalizePurgeTarget(target)),
      count: async (filter) => open().countDeadLetters(normalizeDeadLetterFilter(filter)),
      countByGroup: async (filter) => open().countDeadLettersByGroup(normalizeDeadLetterFilter({ tenant: filter?.tenant })),
    };
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    messages.forEach((m, i) => {
      if (typeof m.id !== 'string' || m.id.length === 0) throw new InvalidArgumentError(`messages[${i}].id`, 'must be a non-empty string');
      if (typeof m.partitionKey !== 'string' || m.partitionKey.length === 0) throw new InvalidArgumentError(`messages[${i}].partitionKey`, 'must be a non-empty string');
      if (m.path !== 'core' && m.path !== 'noncritical') throw new InvalidArgumentError(`messages[${i}].path`, `must be "core" or "noncritical", got ${String(m.path)}`);
    });
    checkMessageSizes(messages);
    this.storage.append(messages, Date.now());
    this.wakeAll();
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (!options.group) throw new InvalidArgumentError('group', 'a consumer group name is required');
    if (options.path !== 'core' && options.path !== 'noncritical') throw new InvalidArgumentError('path', `must be "core" or "noncritical", got ${String(options.path)}`);
    this.storage.registerGroup(options.group, options.path);
    const d = new SubscriptionDispatcher(this.storage, options, this.settings, (x) => this.dispatchers.delete(x));
    this.dispatchers.add(d);
    d.kick();
    return d;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.dispatchers].map((d) => d.close()));
    this.closed = true;
    this.storage.close();
  }

  private wakeAll(): void {
    for (const d of this.dispatchers) d.kick();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedBusError(this.busName);
  }
}
