/**
 * Notifier for Cloud Run (ADR 0066): each Cloud Run instance holds its own clients' WebSocket
 * connections (the same `attach` protocol as the local WebSocketNotifier), and instances fan
 * notifications out to each other through a Pub/Sub topic. publish() delivers to this
 * instance's sockets at once and publishes the notification once; every other instance
 * receives it on its own short-lived subscription (created on start, deleted on close, expiring
 * after a day if the instance died) and delivers it to its sockets. Messages an instance
 * published itself are skipped on receipt, so nobody gets a notification twice.
 * publish() returns the sockets reached on this instance: the others' counts are not known to
 * the publisher (best effort by design, like every Notifier).
 */
import { randomUUID } from 'node:crypto';
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import type { Notification } from '../../ports/Notifier';
import { WebSocketNotifier } from '../local/WebSocketNotifier';
import { GrpcCode, guarded, isGrpc } from './googleErrors';

export interface CloudRunWebSocketNotifierOptions {
  readonly pubsub: PubSub;
  /** The fan-out topic (manifest notifications.topic). */
  readonly topic: string;
  /** Identifies this instance; default a random id (Cloud Run instances are ephemeral). */
  readonly instanceId?: string;
}

const SERVICE = 'Pub/Sub notification fan-out';
const ORIGIN = 'nexusOrigin';

export class CloudRunWebSocketNotifier extends WebSocketNotifier {
  readonly instanceId: string;
  private subscription: Subscription | undefined;

  constructor(private readonly options: CloudRunWebSocketNotifierOptions) {
    super();
    this.instanceId = options.instanceId ?? randomUUID();
  }

  /** Creates this instance's subscription and starts delivering other instances' notifications. */
  async start(): Promise<void> {
    const topic = this.options.pubsub.topic(this.options.topic);
    const name = `${this.options.topic}-instance-${this.instanceId}`;
    const [subscription] = await guarded(SERVICE, () => topic.createSubscription(name, {
      ackDeadlineSeconds: 10,
      messageRetentionDuration: { seconds: 600 },
      expirationPolicy: { ttl: { seconds: 86_400 } },
    })).catch(async (err: unknown) => {
      if (!isGrpc(err, GrpcCode.ALREADY_EXISTS)) throw err;
      return [topic.subscription(name)] as const;
    });
    this.subscription = subscription;
    subscription.on('message', (m: Message) => this.receive(m));
    subscription.on('error', () => undefined);
  }

  override async publish(notification: Notification): Promise<number> {
    if (this.closed) return 0;
    const reached = await super.publish(notification);
    await guarded(SERVICE, () => this.options.pubsub.topic(this.options.topic).publishMessage({
      data: Buffer.from(JSON.stringify(notification), 'utf8'),
      attributes: { [ORIGIN]: this.instanceId, tenant: notification.tenant },
    }));
    return reached;
  }

  override async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await super.close();
    if (subscription) {
      subscription.removeAllListeners('message');
      await subscription.close();
      // Bounded: shutdown must not wait on an unreachable Pub/Sub (the subscription expires anyway).
      await subscription.delete({ timeout: 5000, maxRetries: 0 }).catch(() => undefined);
    }
    await this.options.pubsub.close();
  }

  private receive(m: Message): void {
    m.ack();
    if (m.attributes[ORIGIN] === this.instanceId) return;
    try {
      void super.publish(JSON.parse(m.data.toString('utf8')) as Notification);
    } catch {
      // a malformed fan-out message reaches nobody; notifications are best effort
    }
  }
}
