/**
 * EventBus on a SQLite file for the local stack (`bus.kind: sqlite`): durable across restarts
 * (messages, deliveries, attempts and dead letters are rows), ordered per partition key on the
 * core path, at-least-once (a claimed delivery not settled within its lease is redelivered),
 * with a dead-letter table. Several processes may share the file (the CLI's `nexus dlq`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBus } from '../../ports/EventBus';
import { LocalBusCore } from './bus/LocalBusCore';
import { SqliteBusStorage } from './bus/SqliteBusStorage';
import type { DispatcherSettings } from './bus/SubscriptionDispatcher';

export class SqliteEventBus extends LocalBusCore implements EventBus {
  constructor(readonly path: string, settings: Partial<DispatcherSettings> = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    super(new SqliteBusStorage(path), `SqliteEventBus(${path})`, settings);
  }
}
