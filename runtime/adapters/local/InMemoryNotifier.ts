/**
 * In-process Notifier (`notifications.kind: memory`) and the subscription hub the local
 * WebSocket notifier builds on: listeners per (tenant, channel); a tenant never reaches
 * another tenant's listeners because the tenant is part of the key.
 */
import type { Notification, Notifier } from '../../ports/Notifier';
import { InvalidArgumentError } from '../../ports/errors';

export type NotificationListener = (n: Notification) => void;

const CHANNEL = /^(stream|projection):[A-Za-z0-9][A-Za-z0-9_.:@=+-]{0,199}$/;

export function checkChannel(channel: unknown): string {
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    throw new InvalidArgumentError('channel', `"${String(channel)}" must be "stream:<stream name>" or "projection:<projection name>"`);
  }
  return channel;
}

const key = (tenant: string, channel: string): string => `${tenant}\u0000${channel}`;

export class InMemoryNotifier implements Notifier {
  private readonly listeners = new Map<string, Set<NotificationListener>>();
  protected closed = false;

  /** Adds a listener; returns the function that removes it. */
  subscribe(tenant: string, channel: string, listener: NotificationListener): () => void {
    checkChannel(channel);
    if (!tenant) throw new InvalidArgumentError('tenant', 'a tenant is required');
    const k = key(tenant, channel);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(k) === set) this.listeners.delete(k);
    };
  }

  subscriberCount(tenant: string, channel: string): number {
    return this.listeners.get(key(tenant, channel))?.size ?? 0;
  }

  async publish(notification: Notification): Promise<number> {
    if (this.closed) return 0;
    const set = this.listeners.get(key(notification.tenant, notification.channel));
    if (!set) return 0;
    let reached = 0;
    for (const l of [...set]) {
      try {
        l(notification);
        reached++;
      } catch {
        // one broken listener must not stop the others
      }
    }
    return reached;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}
