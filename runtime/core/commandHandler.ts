/**
 * The command path: load (snapshot + tail) → decide → append with the expected version, with
 * bounded retries on conflict, idempotent by command id. See docs/adr/0011 for the idempotency
 * design: a first-writer-wins record per (tenant, command id) plus event ids derived from the
 * command id, so even a crash between the append and the record cannot append twice.
 */
import { randomIds, type Ids } from '../ports/Clock';
import type { IdempotencyStore } from '../ports/CheckpointStore';
import { isConcurrencyError, isDuplicateEventError, ConcurrencyError, type EventStore } from '../ports/EventStore';
import type { SnapshotStore } from '../ports/SnapshotStore';
import { InvalidArgumentError } from '../ports/errors';
import type { EventMetadata, NewEvent, StoredEvent } from '../ports/events';
import { decideChecked, fold, type AggregateRegistry, type AnyDecider, type DomainEvent } from './aggregate';
import { loadAggregate, toDomainEvent, type LoadedAggregate } from './aggregateLoader';
import { CommandIdReusedError, PayloadValidator, commandEventId } from './commandHandlerSupport';
import { identityPipeline, type EventPipeline } from './pipeline';
import type { Snapshotter } from './snapshots';
import { qualifiedStreamId, streamName } from './streamIds';
import { commandOutcome, contextFromTraceparent, coreLog, inSpan, instruments, SpanKind, traceparentOf, type Context } from './observability';

export interface CommandRequest {
  readonly tenant: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly payload: unknown;
  /** Idempotency key chosen by the client; generated when absent (then retries are not deduplicated). */
  readonly commandId?: string;
  /** The stream version the client decided on; a mismatch is a ConcurrencyError and is not retried. */
  readonly expectedVersion?: number;
  readonly actor?: string;
  readonly correlationId?: string;
  readonly traceparent?: string;
}

export interface CommandResult {
  readonly commandId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** Tenant-relative stream name, e.g. "Order-42". */
  readonly stream: string;
  /** Stream version after the command. */
  readonly version: number;
  readonly events: ReadonlyArray<{ readonly eventId: string; readonly type: string; readonly version: number; readonly schemaVersion: number }>;
  /** True when this command id had already been handled: the first result is returned, nothing appended. */
  readonly replayed: boolean;
}

export interface CommandHandlerDeps {
  readonly eventStore: EventStore;
  readonly snapshots?: SnapshotStore;
  readonly idempotency: IdempotencyStore;
  readonly aggregates: AggregateRegistry;
  readonly pipeline?: EventPipeline;
  readonly snapshotter?: Snapshotter;
  readonly ids?: Ids;
  /** Attempts on a version conflict when the client gave no expectedVersion; default 10. */
  readonly maxAttempts?: number;
  /** Backoff between conflict retries: full jitter over min(max, base * 2^(attempt-1)) ms; defaults 2 and 50. */
  readonly retryBackoffMs?: { readonly base: number; readonly max: number };
  /** How long a command id is remembered; default 7 days. */
  readonly idempotencyTtlSeconds?: number;
  /**
   * Keep the state of up to this many recently used streams in memory (LRU); a load then reads
   * only the events after the kept version instead of snapshot + tail. Default 0 (off): every
   * load goes to the stores. Safe with other writers (the events after the kept version are
   * always read and folded); costs the memory of the kept states.
   */
  readonly stateCacheSize?: number;
}

export interface CommandStats {
  commands: number;
  conflictsRetried: number;
  replays: number;
}

/** A stream's state as of a version, kept by the command handler between commands. */
interface KnownState {
  readonly state: unknown;
  readonly version: number;
  readonly snapshotVersion: number;
}

/** Least-recently-used map of stream id -> known state (a Map iterates in insertion order). */
class StateCache {
  private readonly map = new Map<string, KnownState>();
  constructor(private readonly max: number) {}

  get(streamId: string): KnownState | undefined {
    const known = this.map.get(streamId);
    if (known) {
      this.map.delete(streamId);
      this.map.set(streamId, known);
    }
    return known;
  }

  set(streamId: string, known: KnownState): void {
    const current = this.map.get(streamId);
    if (current && current.version > known.version) return;
    this.map.delete(streamId);
    this.map.set(streamId, known);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  delete(streamId: string): void {
    this.map.delete(streamId);
  }
}

export class CommandHandler {
  readonly stats: CommandStats = { commands: 0, conflictsRetried: 0, replays: 0 };
  private readonly cache: StateCache | undefined;
  private readonly pipeline: EventPipeline;
  private readonly ids: Ids;
  private readonly validator = new PayloadValidator();
  private readonly maxAttempts: number;
  private readonly ttl: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(private readonly deps: CommandHandlerDeps) {
    this.pipeline = deps.pipeline ?? identityPipeline;
    this.ids = deps.ids ?? randomIds;
    this.maxAttempts = deps.maxAttempts ?? 10;
    this.ttl = deps.idempotencyTtlSeconds ?? 7 * 24 * 3600;
    this.backoffBaseMs = deps.retryBackoffMs?.base ?? 2;
    this.backoffMaxMs = deps.retryBackoffMs?.max ?? 50;
    const cacheSize = deps.stateCacheSize ?? 0;
    if (!(Number.isInteger(cacheSize) && cacheSize >= 0)) throw new InvalidArgumentError('stateCacheSize', `must be an integer >= 0, got ${String(cacheSize)}`);
    this.cache = cacheSize > 0 ? new StateCache(cacheSize) : undefined;
  }

  /** Handles a command inside a `command <Aggregate>.<Type>` span (child of `req.traceparent` when given). */
  async handle(req: CommandRequest): Promise<CommandResult> {
    const started = Date.now();
    const attributes = { aggregate: req.aggregateType, command: req.type };
    return inSpan(`command ${req.aggregateType}.${req.type}`, contextFromTraceparent(req.traceparent), {
      kind: SpanKind.SERVER, attributes: { 'nexus.aggregate': req.aggregateType, 'nexus.command': req.type, 'nexus.aggregate_id': req.aggregateId, 'nexus.tenant': req.tenant },
    }, async (span, ctx) => {
      let outcome = 'error';
      try {
        const result = await this.handleIn(req, ctx);
        outcome = result.replayed ? 'replayed' : 'ok';
        span.setAttributes({ 'nexus.command_id': result.commandId, 'nexus.version': result.version, 'nexus.events': result.events.length, 'nexus.replayed': result.replayed });
        return result;
      } catch (err) {
        outcome = commandOutcome(err);
        throw err;
      } finally {
        const fields = {
          tenant: req.tenant, correlationId: req.correlationId ?? req.commandId, causationId: req.commandId,
          traceId: span.spanContext().traceId, ...attributes, outcome, durationMs: Date.now() - started,
        };
        if (outcome === 'error') coreLog().warn(fields, `command ${req.aggregateType}.${req.type} failed`);
        else coreLog().debug(fields, `command ${req.aggregateType}.${req.type} ${outcome}`);
        instruments().commands.add(1, { ...attributes, outcome });
        instruments().commandDuration.record(Date.now() - started, { ...attributes, outcome });
      }
    });
  }

  private async handleIn(req: CommandRequest, ctx: Context): Promise<CommandResult> {
    const decider = this.deps.aggregates.get(req.aggregateType);
    this.validator.check(decider, req.type, req.payload);
    if (req.expectedVersion !== undefined && !(Number.isInteger(req.expectedVersion) && req.expectedVersion >= 0)) {
      throw new InvalidArgumentError('expectedVersion', `must be an integer >= 0, got ${String(req.expectedVersion)}`);
    }
    const name = streamName(decider.aggregateType, req.aggregateId);
    const streamId = qualifiedStreamId(req.tenant, name);
    const commandId = req.commandId ?? this.ids.newId();
    if (commandId.length === 0 || commandId.length > 200) throw new InvalidArgumentError('commandId', 'must be 1 to 200 characters');
    const key = `command:${req.tenant}:${commandId}`;
    this.stats.commands++;

    const first = await this.deps.idempotency.get(key);
    if (first) return this.replay(first.value as CommandResult, commandId, name, req.type);

    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.attempt(decider, req, streamId, name, commandId, ctx);
        let put: Awaited<ReturnType<IdempotencyStore['putIfAbsent']>>;
        try {
          put = await this.deps.idempotency.putIfAbsent(key, { ...result, commandType: req.type }, this.ttl);
        } catch (err) {
          // The next try must load the stream in full: its tail then shows this command's events
          // and the retry becomes a replay (the kept state would hide them).
          this.cache?.delete(streamId);
          throw err;
        }
        if (put.stored) return result;
        const first = put.record.value as CommandResult & { commandType?: string };
        // This call appended the events, but another handler saw them in the stream before our
        // record was written (its crash-recovery path) and recorded them first: still ours.
        if (!result.replayed && first.stream === name && first.commandType === req.type && first.version === result.version) return result;
        return this.replay(first, commandId, name, req.type);
      } catch (err) {
        if (isConcurrencyError(err)) instruments().conflicts.add(1, { aggregate: decider.aggregateType });
        const retry = isConcurrencyError(err) && req.expectedVersion === undefined && attempt < this.maxAttempts;
        if (!retry) throw err;
        this.stats.conflictsRetried++;
        instruments().retries.add(1, { component: 'command' });
        // Full-jitter backoff: writers that collided spread out instead of colliding again.
        const cap = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (attempt - 1));
        if (cap > 0) await new Promise((r) => setTimeout(r, Math.random() * cap));
      }
    }
  }

  private async attempt(decider: AnyDecider, req: CommandRequest, streamId: string, name: string, commandId: string, ctx: Context): Promise<CommandResult> {
    const loaded = await inSpan('load', ctx, { attributes: { 'nexus.stream': streamId } }, async (span) => {
      const l = await this.load(decider, streamId);
      span.setAttributes({ 'nexus.version': l.version, 'nexus.snapshot_version': l.snapshotVersion, 'nexus.tail_events': l.tail.length });
      return l;
    });
    if (req.expectedVersion !== undefined && req.expectedVersion !== loaded.version) {
      throw new ConcurrencyError(streamId, req.expectedVersion, loaded.version);
    }
    // Crash recovery: the command's events are already in the stream but its record was never written.
    const already = loaded.tail.filter((e) => e.metadata.commandId === commandId);
    if (already.length > 0) return this.resultOf(req, name, commandId, already, true);

    const events = await inSpan('decide', ctx, {}, async (span) => {
      const decided = decideChecked(decider, { type: req.type, aggregateId: req.aggregateId, payload: req.payload }, loaded.state);
      span.setAttribute('nexus.events', decided.length);
      return decided;
    });
    if (events.length === 0) return { ...this.resultOf(req, name, commandId, [], false), version: loaded.version };
    return inSpan('append', ctx, { attributes: { 'nexus.stream': streamId, 'nexus.expected_version': req.expectedVersion ?? loaded.version } }, async (span) => {
      // The stored events name the append span as their parent: the relay continues this trace.
      const traceparent = traceparentOf(span) ?? req.traceparent;
      return this.appendDecided(decider, req, streamId, name, commandId, loaded, events, traceparent);
    });
  }

  private async appendDecided(
    decider: AnyDecider, req: CommandRequest, streamId: string, name: string, commandId: string,
    loaded: LoadedAggregate<unknown>, events: readonly DomainEvent[], traceparent: string | undefined,
  ): Promise<CommandResult> {

    const metadata: EventMetadata = {
      tenant: req.tenant,
      commandId,
      causationId: commandId,
      correlationId: req.correlationId ?? commandId,
      ...(req.actor !== undefined ? { actor: req.actor } : {}),
      ...(traceparent !== undefined ? { traceparent } : {}),
    };
    const proposed: NewEvent[] = events.map((e: DomainEvent, i) => ({
      eventId: commandEventId(req.tenant, commandId, i),
      type: e.type,
      schemaVersion: (decider.schemaVersions as Record<string, number> | undefined)?.[e.type] ?? 1,
      data: e.data as Record<string, unknown>,
      metadata,
    }));
    const checked = await this.pipeline.beforeAppend(proposed, {
      streamId, tenant: req.tenant, aggregateType: decider.aggregateType, commandId,
    });
    let appended: readonly StoredEvent[];
    let replayed: boolean;
    const appendStarted = Date.now();
    try {
      const r = await this.deps.eventStore.append(streamId, checked, req.expectedVersion ?? loaded.version);
      instruments().appendLatency.record(Date.now() - appendStarted, { outcome: 'ok' });
      appended = r.events;
      replayed = r.idempotentReplay;
    } catch (err) {
      instruments().appendLatency.record(Date.now() - appendStarted, { outcome: isConcurrencyError(err) ? 'conflict' : 'error' });
      // Same command decided differently after a crash: recover its first result from the stream.
      if (!isDuplicateEventError(err)) throw err;
      appended = (await this.deps.eventStore.readStream(streamId)).filter((e) => e.metadata.commandId === commandId);
      replayed = true;
    }
    if (replayed) {
      this.cache?.delete(streamId);
    } else if (this.deps.snapshotter || this.cache) {
      // Fold what was stored, read back as a load would see it, so the snapshot (and the kept
      // state) equals a fresh load.
      const version = appended[appended.length - 1]!.version;
      const state = fold(decider, loaded.state, this.pipeline.afterRead(appended).map((e) => toDomainEvent<DomainEvent>(e)));
      this.cache?.set(streamId, { state, version, snapshotVersion: loaded.snapshotVersion });
      this.deps.snapshotter?.afterAppend({ decider, streamId, previousVersion: loaded.version, loadedSnapshotVersion: loaded.snapshotVersion, version, state });
    }
    return this.resultOf(req, name, commandId, appended, replayed);
  }

  /**
   * Snapshot + tail from the stores, or — when the stream's state is kept — the kept state plus
   * the events after it. The kept state plays the part of a snapshot: the tail is then only the
   * events after it, and a retried command whose events are older is recognised, as under a
   * snapshot, by its idempotency record or its deterministic event ids.
   */
  private async load(decider: AnyDecider, streamId: string): Promise<LoadedAggregate<unknown>> {
    const known = this.cache?.get(streamId);
    if (!known) {
      const loaded = await loadAggregate(this.deps, decider, streamId);
      this.cache?.set(streamId, { state: loaded.state, version: loaded.version, snapshotVersion: loaded.snapshotVersion });
      return loaded;
    }
    const tail = this.pipeline.afterRead(await this.deps.eventStore.readStream(streamId, { fromVersion: known.version + 1 }));
    if (tail.length === 0) return { state: known.state, version: known.version, snapshotVersion: known.snapshotVersion, tail };
    const state = fold(decider, known.state, tail.map((e) => toDomainEvent<DomainEvent>(e)));
    const version = tail[tail.length - 1]!.version;
    this.cache?.set(streamId, { state, version, snapshotVersion: known.snapshotVersion });
    return { state, version, snapshotVersion: known.snapshotVersion, tail };
  }

  private resultOf(req: CommandRequest, stream: string, commandId: string, events: readonly StoredEvent[], replayed: boolean): CommandResult {
    if (replayed) this.stats.replays++;
    return {
      commandId,
      aggregateType: req.aggregateType,
      aggregateId: req.aggregateId,
      stream,
      version: events.length > 0 ? events[events.length - 1]!.version : 0,
      events: events.map((e) => ({ eventId: e.eventId, type: e.type, version: e.version, schemaVersion: e.schemaVersion })),
      replayed,
    };
  }

  private replay(first: CommandResult & { commandType?: string }, commandId: string, stream: string, type: string): CommandResult {
    if (first.stream !== stream || (first.commandType !== undefined && first.commandType !== type)) {
      throw new CommandIdReusedError(commandId, `${first.commandType ?? '?'} on ${first.stream}`, `${type} on ${stream}`);
    }
    this.stats.replays++;
    const { commandType: _ignored, ...rest } = first;
    return { ...rest, replayed: true };
  }
}
