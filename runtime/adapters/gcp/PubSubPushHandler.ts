/**
 * Pub/Sub push delivery for PubSubEventBus consumers (ADR 0062, and ADR 0124: Cloud Run workers
 * receive consumer groups' messages as push requests). Same rules as the pull consumer
 * (PubSubConsumer.ts): the group comes from the push's subscription, a redriven message meant
 * for another group is acked unhandled, a failure nacks (Pub/Sub redelivers with backoff and a
 * higher deliveryAttempt) until maxAttempts, after which — or at once on PermanentError — the
 * message is dead-lettered with its error and acked. The caller answers 204 when `ack` is true,
 * 500 otherwise.
 */
import { isPermanentError, type BusPath, type Delivery } from '../../ports/EventBus';
import { InvalidArgumentError } from '../../ports/errors';
import type { DeadLetterSink } from './PubSubConsumer';
import { ATTR, decodeBusMessage } from './pubsubMessages';

/** The JSON body of a Pub/Sub push request (wrapped format). */
export interface PushBody {
  readonly message?: {
    readonly data?: string;
    readonly attributes?: Readonly<Record<string, string>>;
    readonly messageId?: string;
    readonly orderingKey?: string;
  };
  /** projects/<project>/subscriptions/<id> */
  readonly subscription?: string;
  /** Present when the subscription has a dead-letter policy (every Nexus subscription has). */
  readonly deliveryAttempt?: number;
}

export type PushOutcome = 'handled' | 'skipped' | 'dead-lettered' | 'retry';

export interface PushHandlerDeps {
  readonly groupOfSubscription: (subscription: string) => { group: string; path: BusPath } | undefined;
  readonly deadLetter: DeadLetterSink;
}

export async function handlePush(
  body: PushBody,
  options: { readonly maxAttempts?: number; readonly handler: (delivery: Delivery) => Promise<void> },
  deps: PushHandlerDeps,
): Promise<{ ack: boolean; outcome: PushOutcome; group: string }> {
  const subscription = body.subscription ?? '';
  const origin = deps.groupOfSubscription(subscription);
  if (!origin) throw new InvalidArgumentError('subscription', `"${subscription}" is not a consumer-group subscription of this bus`);
  const attributes = body.message?.attributes ?? {};
  const target = attributes[ATTR.redriveGroup];
  if (target !== undefined && target !== origin.group) return { ack: true, outcome: 'skipped', group: origin.group };
  const message = decodeBusMessage(Buffer.from(body.message?.data ?? '', 'base64'), attributes, origin.path);
  const attempt = Math.max(1, body.deliveryAttempt ?? 1);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  try {
    await options.handler({ message, attempt, group: origin.group });
    return { ack: true, outcome: 'handled', group: origin.group };
  } catch (err) {
    if (!isPermanentError(err) && attempt < maxAttempts) return { ack: false, outcome: 'retry', group: origin.group };
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await deps.deadLetter({ message, group: origin.group, attempts: attempt, error, deadLetteredAt: new Date().toISOString() });
    return { ack: true, outcome: 'dead-lettered', group: origin.group };
  }
}
