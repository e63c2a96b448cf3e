/**
 * Snapshot triggers. After each append the command handler calls `afterAppend`, which decides
 * synchronously (events since the last snapshot >= N, N per aggregate or the manifest default)
 * and writes the snapshot in the background: the command never waits for it, `idle()` lets tests
 * and benchmarks wait, and failures are logged and counted, never lost silently.
 * The time trigger: streams that got events since their last snapshot carry a durable "pending"
 * mark in the CheckpointStore; `sweep()` (called by a scheduler) snapshots those whose oldest
 * unsnapshotted event is older than maxAgeSeconds.
 */
import type { CheckpointStore } from '../ports/CheckpointStore';
import type { EventStore } from '../ports/EventStore';
import type { SnapshotStore } from '../ports/SnapshotStore';
import { systemClock, type Clock } from '../ports/Clock';
import type { AggregateRegistry, AnyDecider } from './aggregate';
import { loadAggregate } from './aggregateLoader';
import type { EventPipeline } from './pipeline';
import { instruments, msSince } from './observability';

export interface SnapshotPolicy {
  /** Default N; a decider's `snapshotEvery` overrides it. */
  readonly everyNEvents: number;
  readonly maxAgeSeconds: number;
}

/** The part of a pino/Fastify logger the core needs. */
export interface CoreLogger {
  error(obj: object, msg: string): void;
}
const consoleLogger: CoreLogger = { error: (obj, msg) => console.error(msg, obj) };

export interface SnapshotterDeps {
  readonly eventStore: EventStore;
  readonly snapshots: SnapshotStore;
  readonly aggregates: AggregateRegistry;
  /** Needed for the time trigger; without it `sweep` finds nothing. */
  readonly checkpoints?: CheckpointStore;
  readonly pipeline?: EventPipeline;
  readonly clock?: Clock;
  readonly logger?: CoreLogger;
}

export interface AppendOutcome {
  readonly decider: AnyDecider;
  readonly streamId: string;
  /** Stream version before the append and the snapshot version the state was loaded from. */
  readonly previousVersion: number;
  readonly loadedSnapshotVersion: number;
  /** Version and state after the append. */
  readonly version: number;
  readonly state: unknown;
}

export interface SnapshotStats {
  written: number;
  failed: number;
  swept: number;
}

/** Checkpoint name prefix of the durable "unsnapshotted events since" marks. */
export const PENDING_PREFIX = 'snapshots/pending/';
interface PendingMark {
  readonly aggregateType: string;
  readonly since: string;
}

/** Known last snapshot version per stream; bounded so a long-running process does not grow forever. */
const MAX_TRACKED_STREAMS = 100_000;

export class Snapshotter {
  readonly stats: SnapshotStats = { written: 0, failed: 0, swept: 0 };
  private readonly clock: Clock;
  private readonly logger: CoreLogger;
  private readonly lastSnapshot = new Map<string, number>();
  /** Per-stream chain of background tasks: marks and writes of one stream happen in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: SnapshotterDeps, readonly policy: SnapshotPolicy) {
    if (!(policy.everyNEvents >= 1)) throw new Error(`snapshots.everyNEvents must be >= 1, got ${policy.everyNEvents}`);
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? consoleLogger;
  }

  everyN(decider: AnyDecider): number {
    return decider.snapshotEvery ?? this.policy.everyNEvents;
  }

  /** Evaluates the count trigger synchronously; returns true when a snapshot write was scheduled. */
  afterAppend(o: AppendOutcome): boolean {
    const last = Math.max(o.loadedSnapshotVersion, this.lastSnapshot.get(o.streamId) ?? 0);
    const due = o.version - last >= this.everyN(o.decider);
    const wasClean = o.previousVersion <= last;
    if (due) {
      this.remember(o.streamId, o.version);
      const triggered = Date.now();
      this.enqueue(o.streamId, async () => {
        await this.write(o.decider, o.streamId, o.version, o.state);
        instruments().snapshotTriggerLatency.record(Date.now() - triggered, { trigger: 'count' });
      });
    } else if (wasClean && this.deps.checkpoints) {
      const mark: PendingMark = { aggregateType: o.decider.aggregateType, since: this.clock.now().toISOString() };
      const checkpoints = this.deps.checkpoints;
      this.enqueue(o.streamId, () => checkpoints.set(PENDING_PREFIX + o.streamId, JSON.stringify(mark)));
    }
    return due;
  }

  /** Time trigger: snapshots every stream whose unsnapshotted events are older than maxAgeSeconds. */
  async sweep(now: Date = this.clock.now()): Promise<number> {
    if (!this.deps.checkpoints) return 0;
    const cutoff = now.getTime() - this.policy.maxAgeSeconds * 1000;
    let count = 0;
    for (const { name, value } of await this.deps.checkpoints.list(PENDING_PREFIX)) {
      const mark = parseMark(value);
      if (!mark || Date.parse(mark.since) > cutoff) continue;
      const streamId = name.slice(PENDING_PREFIX.length);
      const decider = this.deps.aggregates.find(mark.aggregateType);
      if (!decider) continue;
      await this.track(this.chain(streamId, async () => {
        const loaded = await loadAggregate(this.deps, decider, streamId);
        if (loaded.version > loaded.snapshotVersion) {
          await this.write(decider, streamId, loaded.version, loaded.state);
          // Age trigger: from the oldest unsnapshotted event's mark to the snapshot being written.
          const latency = msSince(mark.since);
          if (latency !== undefined) instruments().snapshotTriggerLatency.record(latency, { trigger: 'age' });
        } else await this.deps.checkpoints?.delete(name);
      }));
      count++;
    }
    this.stats.swept += count;
    return count;
  }

  /** Resolves when every background snapshot task started so far has finished (or failed and been logged). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async write(decider: AnyDecider, streamId: string, version: number, state: unknown): Promise<void> {
    await this.deps.snapshots.save({
      streamId, aggregateType: decider.aggregateType, version, stateVersion: decider.stateVersion, state,
      takenAt: this.clock.now().toISOString(),
    });
    this.stats.written++;
    this.remember(streamId, version);
    await this.deps.checkpoints?.delete(PENDING_PREFIX + streamId);
  }

  private remember(streamId: string, version: number): void {
    const prev = this.lastSnapshot.get(streamId) ?? 0;
    this.lastSnapshot.delete(streamId);
    this.lastSnapshot.set(streamId, Math.max(prev, version));
    if (this.lastSnapshot.size > MAX_TRACKED_STREAMS) {
      const oldest = this.lastSnapshot.keys().next().value;
      if (oldest !== undefined) this.lastSnapshot.delete(oldest);
    }
  }

  private enqueue(streamId: string, task: () => Promise<void>): void {
    void this.track(this.chain(streamId, task));
  }

  private chain(streamId: string, task: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(streamId) ?? Promise.resolve();
    // A macrotask hop: with a synchronous driver (better-sqlite3) a microtask would run the write
    // before the command's own promise chain resolves, making the command pay for the snapshot.
    const next = prev.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(task).catch((err: unknown) => {
      this.stats.failed++;
      this.logger.error({ err, streamId }, `snapshot task for stream ${streamId} failed`);
    });
    this.chains.set(streamId, next);
    void next.then(() => {
      if (this.chains.get(streamId) === next) this.chains.delete(streamId);
    });
    return next;
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }
}

function parseMark(value: string): PendingMark | undefined {
  try {
    const m = JSON.parse(value) as Partial<PendingMark>;
    return typeof m.aggregateType === 'string' && typeof m.since === 'string' ? (m as PendingMark) : undefined;
  } catch {
    return undefined;
  }
}
