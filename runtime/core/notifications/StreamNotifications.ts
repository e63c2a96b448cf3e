/**
 * Pushes every stored event to the clients watching its stream: a consumer group
 * (`notifications.streams`) on both bus paths that publishes `stream:<name>` notifications
 * (tenant-relative stream name) through the Notifier port. Best effort by design: a
 * notification nobody listens to is dropped, a failed push is not retried.
 */
import type { EventBus, Subscription } from '../../ports/EventBus';
import type { Notifier } from '../../ports/Notifier';
import { fromEnvelope } from '../relay/envelope';
import { endSpan, instruments, msSince, SpanKind, startEventSpan } from '../observability';

export class StreamNotifications {
  private readonly subs: Subscription[] = [];
  published = 0;

  constructor(private readonly bus: EventBus, private readonly notifier: Notifier, private readonly onError?: (err: unknown) => void) {}

  async start(): Promise<void> {
    for (const path of ['core', 'noncritical'] as const) {
      this.subs.push(await this.bus.subscribe({
        group: `notifications.streams${path === 'core' ? '' : '.noncritical'}`, path, maxAttempts: 1, concurrency: 8,
        handler: async (d) => {
          const e = fromEnvelope(d.message.envelope);
          const i = e.streamId.indexOf(':');
          if (i <= 0) return;
          const traced = startEventSpan(`notify stream:${e.streamId.slice(i + 1)}`, e, SpanKind.PRODUCER, { 'nexus.channel': `stream:${e.streamId.slice(i + 1)}` });
          try {
            await this.notifier.publish({
              tenant: e.streamId.slice(0, i), channel: `stream:${e.streamId.slice(i + 1)}`, type: e.type,
              payload: { eventId: e.eventId, version: e.version, data: e.data, recordedAt: e.recordedAt }, sentAt: new Date().toISOString(),
            });
            this.published++;
            endSpan(traced.span);
            const latency = msSince(e.recordedAt);
            if (latency !== undefined) instruments().notificationLatency.record(latency, { kind: 'stream' });
          } catch (err) {
            endSpan(traced.span, err);
            this.onError?.(err);
          }
        },
      }));
    }
  }

  async stop(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.close();
  }
}
