/**
 * Local Notifier over WebSockets (`notifications.kind: websocket-local`). The HTTP layer
 * authenticates the upgrade and hands the socket over with its tenant (`attach`); the client
 * then speaks a small JSON protocol:
 *   → {"action":"subscribe","channel":"stream:Order-42"}   ← {"type":"subscribed","channel":...}
 *   → {"action":"unsubscribe","channel":...}              ← {"type":"unsubscribed","channel":...}
 *   ← {"type":"notification","channel","event","payload","sentAt"}
 * A socket only ever receives its own tenant's notifications.
 */
import type { WebSocket } from 'ws';
import type { Notification } from '../../ports/Notifier';
import { checkChannel, InMemoryNotifier } from './InMemoryNotifier';

const OPEN = 1;

export class WebSocketNotifier extends InMemoryNotifier {
  private readonly sockets = new Set<WebSocket>();

  /** Serves one authenticated socket for `tenant` until it closes. */
  attach(socket: WebSocket, tenant: string): void {
    if (this.closed) {
      socket.close(1001, 'notifier closed');
      return;
    }
    this.sockets.add(socket);
    const subscriptions = new Map<string, () => void>();
    const send = (msg: object): void => {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(msg));
    };
    const deliver = (n: Notification): void => send({ type: 'notification', channel: n.channel, event: n.type, payload: n.payload, sentAt: n.sentAt });
    socket.on('message', (raw: Buffer) => {
      let msg: { action?: unknown; channel?: unknown };
      try {
        msg = JSON.parse(raw.toString('utf8')) as typeof msg;
      } catch {
        send({ type: 'error', message: 'messages must be JSON: {"action":"subscribe"|"unsubscribe","channel":"stream:<name>"|"projection:<name>"}' });
        return;
      }
      try {
        if (msg.action === 'ping') return send({ type: 'pong' });
        const channel = checkChannel(msg.channel);
        if (msg.action === 'subscribe') {
          if (!subscriptions.has(channel)) subscriptions.set(channel, this.subscribe(tenant, channel, deliver));
          send({ type: 'subscribed', channel });
        } else if (msg.action === 'unsubscribe') {
          subscriptions.get(channel)?.();
          subscriptions.delete(channel);
          send({ type: 'unsubscribed', channel });
        } else {
          send({ type: 'error', message: `action ${JSON.stringify(msg.action)} must be "subscribe", "unsubscribe" or "ping"` });
        }
      } catch (err) {
        send({ type: 'error', message: (err as Error).message });
      }
    });
    socket.on('close', () => {
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
      this.sockets.delete(socket);
    });
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  override async close(): Promise<void> {
    for (const s of this.sockets) {
      s.close(1001, 'server shutting down');
      // Do not wait for the closing handshake of clients that are gone: shutdown must not hang.
      setTimeout(() => s.terminate(), 200).unref();
    }
    this.sockets.clear();
    await super.close();
  }
}
