/**
 * The read side's view of the CloudEvents envelope: the governance module owns the format
 * (runtime/core/schema/cloudEvents.ts); the relay wraps with `toEnvelope`, consumers
 * (projections, sagas, notifications) unwrap with `fromEnvelope` and run the same code whether
 * fed by the bus or by a read-all rebuild.
 */
import type { CloudEventEnvelope } from '../../ports/EventBus';
import type { StoredEvent } from '../../ports/events';
import { fromCloudEvent, toCloudEvent, type CloudEventOptions } from '../schema/cloudEvents';

export const toEnvelope = (event: StoredEvent, options?: CloudEventOptions): CloudEventEnvelope => toCloudEvent(event, options);

/** Throws PermanentError naming the attribute when the envelope is not a Nexus stored-event envelope. */
export const fromEnvelope = (envelope: CloudEventEnvelope): StoredEvent => fromCloudEvent(envelope);
