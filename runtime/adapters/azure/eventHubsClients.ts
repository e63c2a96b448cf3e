/**
 * The small part of @azure/event-hubs the EventHubsEventBus uses, as interfaces, so the adapter
 * takes its clients through the constructor: production passes EventHubProducerClient /
 * EventHubConsumerClient instances (they satisfy these shapes), tests pass a fake with recorded
 * service behaviour (there is no local Event Hubs server). Also the EventData mapping and the
 * translation of Event Hubs (AMQP) errors into the port's errors.
 */
import type {
  EventData, EventDataBatch, ReceivedEventData, SubscribeOptions as HubSubscribeOptions, Subscription as HubSubscription,
  SubscriptionEventHandlers,
} from '@azure/event-hubs';
import { MessageTooLargeError, type BusMessage, type BusPath, type CloudEventEnvelope } from '../../ports/EventBus';
import { UnavailableError } from '../../ports/errors';

export interface HubProducer {
  createBatch(options: { partitionKey?: string }): Promise<EventDataBatch>;
  sendBatch(batch: EventDataBatch): Promise<void>;
  close(): Promise<void>;
}

export interface HubConsumer {
  subscribe(handlers: SubscriptionEventHandlers, options?: HubSubscribeOptions): HubSubscription;
  close(): Promise<void>;
}

export interface EventHubsClients {
  producer(path: BusPath): HubProducer;
  /** A consumer client for the path's hub and an Event Hubs consumer group (with a checkpoint store). */
  consumer(path: BusPath, consumerGroup: string): HubConsumer;
}

export const PROP = { id: 'nexus-id', path: 'nexus-path', partitionKey: 'nexus-partition-key', redriveGroup: 'nexus-redrive-group' } as const;

export function toEventData(message: BusMessage, redriveGroup?: string): EventData {
  return {
    body: message.envelope,
    contentType: 'application/cloudevents+json',
    messageId: message.id,
    properties: {
      [PROP.id]: message.id, [PROP.path]: message.path, [PROP.partitionKey]: message.partitionKey,
      ...(redriveGroup !== undefined ? { [PROP.redriveGroup]: redriveGroup } : {}),
    },
  };
}

export function fromEventData(event: ReceivedEventData, path: BusPath): { message: BusMessage; redriveGroup: string | undefined } {
  const props = event.properties ?? {};
  const envelope = event.body as CloudEventEnvelope;
  const id = typeof props[PROP.id] === 'string' ? (props[PROP.id] as string) : String(envelope.id);
  const partitionKey = typeof props[PROP.partitionKey] === 'string' ? (props[PROP.partitionKey] as string) : (event.partitionKey ?? String(envelope.subject ?? ''));
  const redriveGroup = typeof props[PROP.redriveGroup] === 'string' ? (props[PROP.redriveGroup] as string) : undefined;
  return { message: { id, partitionKey, path, envelope }, redriveGroup };
}

/** Event Hubs' per-event limit on Standard and Premium (1 MB, the batch and the event). */
export const EVENT_HUBS_MAX_EVENT_BYTES = 1024 * 1024;

export const messageSize = (m: BusMessage): number => Buffer.byteLength(JSON.stringify(m.envelope), 'utf8');

function errorCode(err: unknown): string | undefined {
  const o = typeof err === 'object' && err !== null ? (err as { code?: unknown; name?: unknown }) : {};
  return typeof o.code === 'string' ? o.code : typeof o.name === 'string' ? o.name : undefined;
}

const TRANSIENT = new Set(['ServerBusyError', 'ServiceUnavailableError', 'OperationTimeoutError', 'QuotaExceededError', 'ConnectionForcedError', 'InternalServerError', 'SystemError']);

/** MessagingError → port errors: MessageTooLargeError, UnavailableError (throttled/busy/timeouts); others unchanged. */
export function translateHubError(err: unknown, hub: string, first?: BusMessage): unknown {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'MessageTooLargeError' && first) return new MessageTooLargeError(first.id, messageSize(first), EVENT_HUBS_MAX_EVENT_BYTES);
  const retryable = typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
  if ((code !== undefined && TRANSIENT.has(code)) || retryable) {
    // Event Hubs asks a throttled (ServerBusy) sender to back off about 4 seconds.
    return new UnavailableError(`Event Hubs hub ${hub}`, `${code ?? 'error'}: ${message}`, { cause: err, ...(code === 'ServerBusyError' ? { retryAfterMs: 4000 } : {}) });
  }
  return err;
}
