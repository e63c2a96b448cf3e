/**
 * How bus messages and dead letters look on Pub/Sub (ADR 0062). A bus message is the CloudEvents
 * structured-mode JSON as data, with attributes for routing (id, partition key, path) and, on a
 * redrive, the one consumer group it is meant for. A dead letter written by the runtime is JSON
 * {message, group, attempts, error, deadLetteredAt}; one forwarded by a subscription's native
 * dead-letter policy (a consumer that crashed maxDeliveryAttempts times) is the original
 * message with Pub/Sub's CloudPubSubDeadLetterSource* attributes.
 */
import type { BusMessage, BusPath, CloudEventEnvelope, DeadLetter } from '../../ports/EventBus';

export const ATTR = { id: 'nexusId', key: 'nexusKey', path: 'nexusPath', redriveGroup: 'nexusRedriveGroup', group: 'nexusGroup' } as const;
/** Pub/Sub's limit for one message (data + attributes) is 10 MB. */
export const MAX_PUBSUB_MESSAGE_BYTES = 10_000_000;

export interface OutgoingMessage {
  readonly data: Buffer;
  readonly attributes: Record<string, string>;
  readonly orderingKey?: string;
}

export function encodeBusMessage(m: BusMessage, redriveGroup?: string): OutgoingMessage {
  const attributes: Record<string, string> = { [ATTR.id]: m.id, [ATTR.key]: m.partitionKey, [ATTR.path]: m.path };
  if (redriveGroup !== undefined) attributes[ATTR.redriveGroup] = redriveGroup;
  return {
    data: Buffer.from(JSON.stringify(m.envelope), 'utf8'),
    attributes,
    ...(m.path === 'core' ? { orderingKey: m.partitionKey } : {}),
  };
}

export function decodeBusMessage(data: Buffer, attributes: Readonly<Record<string, string>>, fallbackPath: BusPath): BusMessage {
  const envelope = JSON.parse(data.toString('utf8')) as CloudEventEnvelope;
  return {
    id: attributes[ATTR.id] ?? envelope.id,
    partitionKey: attributes[ATTR.key] ?? envelope.subject ?? envelope.id,
    path: (attributes[ATTR.path] as BusPath | undefined) ?? fallbackPath,
    envelope,
  };
}

interface DeadLetterBody {
  readonly message: BusMessage;
  readonly group: string;
  readonly attempts: number;
  readonly error: string;
  readonly deadLetteredAt: string;
}

export function encodeDeadLetter(body: DeadLetterBody): OutgoingMessage {
  return { data: Buffer.from(JSON.stringify(body), 'utf8'), attributes: { [ATTR.group]: body.group } };
}

/**
 * Reads a message of the dead-letter subscription. `groupOfSubscription` maps a source
 * subscription name (native dead-lettering) back to its consumer group.
 */
export function decodeDeadLetter(
  messageId: string,
  data: Buffer,
  attributes: Readonly<Record<string, string>>,
  publishTime: string,
  groupOfSubscription: (subscription: string) => { group: string; path: BusPath } | undefined,
): DeadLetter | undefined {
  const source = attributes.CloudPubSubDeadLetterSourceSubscription;
  if (source === undefined) {
    const body = JSON.parse(data.toString('utf8')) as DeadLetterBody;
    return { id: messageId, ...body };
  }
  const origin = groupOfSubscription(source);
  if (!origin) return undefined;
  return {
    id: messageId,
    group: origin.group,
    message: decodeBusMessage(data, attributes, origin.path),
    attempts: Number(attributes.CloudPubSubDeadLetterSourceDeliveryCount ?? 0),
    error: `no acknowledgement after ${attributes.CloudPubSubDeadLetterSourceDeliveryCount ?? '?'} deliveries (subscription ${source} dead-letter policy: the consumer crashed or timed out)`,
    deadLetteredAt: publishTime,
  };
}
