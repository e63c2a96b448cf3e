/**
 * Observable gauges and progress the dashboard reads: dead-letter depth per consumer group
 * (asked of the bus at each collection) and each projection's last applied event (lag now).
 */
import type { EventBus } from '../../ports/EventBus';
import { METRIC, meter } from './telemetry';

export interface ProjectionProgress {
  readonly projection: string;
  /** recordedAt of the last event applied. */
  readonly lastEventAt: string;
  readonly lastAppliedAt: string;
  /** recorded → applied of that event, in ms. */
  readonly lagMs: number;
  readonly applied: number;
}

const progress = new Map<string, ProjectionProgress>();

export function recordProjectionProgress(projection: string, recordedAt: string, lagMs: number): void {
  const previous = progress.get(projection);
  progress.set(projection, { projection, lastEventAt: recordedAt, lastAppliedAt: new Date().toISOString(), lagMs, applied: (previous?.applied ?? 0) + 1 });
}

export const projectionProgress = (name: string): ProjectionProgress | undefined => progress.get(name);

/**
 * Registers `nexus.dlq.depth{group}` on the current meter provider, asking the bus for its dead
 * letters per group at each collection (countByGroup: GROUP BY on SQLite, a subject listing on
 * JetStream, a scan elsewhere; never capped, ADR 0134). Returns a function that unregisters it.
 */
export function observeDlqDepth(bus: EventBus): () => void {
  const gauge = meter().createObservableGauge(METRIC.dlqDepth, { description: 'Dead letters waiting, per consumer group' });
  const callback = async (result: { observe(value: number, attributes?: Record<string, string>): void }): Promise<void> => {
    const counts = await bus.deadLetters.countByGroup();
    if (counts.size === 0) result.observe(0, { group: 'all' });
    for (const [group, n] of counts) result.observe(n, { group });
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}
