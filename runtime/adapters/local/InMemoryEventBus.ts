/**
 * In-process EventBus for unit tests and `bus.kind: memory`: same delivery rules as the SQLite
 * bus (LocalBusCore + SubscriptionDispatcher), nothing survives the process.
 */
import type { EventBus } from '../../ports/EventBus';
import { LocalBusCore } from './bus/LocalBusCore';
import { MemoryBusStorage } from './bus/MemoryBusStorage';
import type { DispatcherSettings } from './bus/SubscriptionDispatcher';

export class InMemoryEventBus extends LocalBusCore implements EventBus {
  constructor(settings: Partial<DispatcherSettings> = {}) {
    super(new MemoryBusStorage(), 'InMemoryEventBus', settings);
  }
}
