/**
 * Runs one saga: reacts to its events from the bus (consumer group `saga.<name>`), records each
 * reaction on the instance stream (deterministic event ids: a redelivered input is an idempotent
 * replay), issues commands ONLY through the command handler (deterministic command ids: a
 * re-issued command is deduplicated there), feeds command outcomes back as inputs, and fires
 * durable timeouts kept in the CheckpointStore (per instance `saga-timeout:<saga>:<stream>:<timeout>`,
 * due-ordered `saga-due:<saga>:<dueAt>:<stream>:<timeout>`, so each scan reads only what is due).
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { Delivery, EventBus, Subscription } from '../../ports/EventBus';
import { PermanentError } from '../../ports/EventBus';
import type { EventStore } from '../../ports/EventStore';
import { isConcurrencyError, type AppendResult } from '../../ports/EventStore';
import type { NewEvent, StoredEvent } from '../../ports/events';
import type { EventPipeline } from '../pipeline';
import type { CommandRequest, CommandResult } from '../commandHandler';
import { fromEnvelope } from '../relay/envelope';
import { routeOf, type Routing } from '../relay/relay';
import { withRetry, type RetryPolicy } from '../retry';
import { qualifiedStreamId } from '../streamIds';
import { derivedId, encodeReaction, foldSaga, inputId, SAGA_REACTED, type SagaDefinition, type SagaInput, type SagaInstance, type SagaReactedData } from './saga';
import { classifyCommandError } from './commandOutcome';
import { endSpan, SpanKind, startEventSpan, startRootSpan } from '../observability';

export interface CommandGateway {
  handle(request: CommandRequest): Promise<CommandResult>;
}

export interface SagaDeps {
  readonly store: EventStore;
  readonly bus: EventBus;
  readonly checkpoints: CheckpointStore;
  readonly commands: CommandGateway;
  readonly routing: Routing;
  readonly now?: () => Date;
  /** Timeout scan interval; default 250 ms. */
  readonly timeoutPollMs?: number;
  readonly retry?: RetryPolicy;
  readonly maxAttempts?: number;
  /**
   * Saga inputs handled at once (deliveries of different partition keys, i.e. different causing
   * streams; one stream's inputs stay in order); default 8. Each input waits on several durable
   * writes in turn (reaction, timeout index, command, next reaction): running instances side by
   * side lets those waits overlap — and share commits — instead of adding up.
   */
  readonly concurrency?: number;
  readonly onError?: (err: unknown) => void;
  /**
   * The governed pipeline: every SagaReacted event is validated against its registered schema
   * (schemas/sagas/SagaReacted.v1.avsc) before it is stored, like any aggregate's events. A
   * reaction that does not match is a permanent failure (the input is dead-lettered), never stored.
   */
  readonly pipeline?: Pick<EventPipeline, 'beforeAppend'>;
}

export interface SagaStats {
  inputs: number;
  duplicates: number;
  commandsIssued: number;
  commandsRejected: number;
  timeoutsFired: number;
  conflicts: number;
}

const TIMEOUT_PREFIX = 'saga-timeout:';
const DUE_PREFIX = 'saga-due:';

interface IndexedTimeout { readonly tenant: string; readonly sagaId: string; readonly name: string; readonly dueAt: string }

function parseTimeout(value: string): IndexedTimeout | undefined {
  try {
    const t = JSON.parse(value) as Partial<IndexedTimeout>;
    return typeof t.tenant === 'string' && typeof t.sagaId === 'string' && typeof t.name === 'string' && typeof t.dueAt === 'string' ? (t as IndexedTimeout) : undefined;
  } catch {
    return undefined;
  }
}
export const instancePrefix = (saga: string): string => `saga-instance:${saga}:`;

export class SagaCoordinator<S> {
  readonly stats: SagaStats = { inputs: 0, duplicates: 0, commandsIssued: 0, commandsRejected: 0, timeoutsFired: 0, conflicts: 0 };
  private readonly subs: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private backfilled: Promise<void> | undefined;
  private readonly now: () => Date;
  private readonly retry: RetryPolicy;

  constructor(readonly definition: SagaDefinition<S>, private readonly deps: SagaDeps) {
    this.now = deps.now ?? (() => new Date());
    this.retry = deps.retry ?? { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 200, unknownErrors: 'permanent' };
  }

  async start(): Promise<void> {
    const paths = new Set(this.definition.handles.map((t) => routeOf(t, this.deps.routing)));
    for (const path of paths) {
      this.subs.push(await this.deps.bus.subscribe({
        group: `saga.${this.definition.name}${path === 'core' ? '' : '.noncritical'}`, path, maxAttempts: this.deps.maxAttempts ?? 5,
        concurrency: this.deps.concurrency ?? 8, handler: (d) => this.onDelivery(d),
      }));
    }
    const tick = (): void => {
      this.scanning = this.fireDueTimeouts().then(() => undefined, (err: unknown) => this.deps.onError?.(err)).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.deps.timeoutPollMs ?? 250);
      });
    };
    this.timer = setTimeout(tick, this.deps.timeoutPollMs ?? 250);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.scanning;
    for (const s of this.subs.splice(0)) await s.close();
  }

  streamIdOf(tenant: string, sagaId: string): string {
    return qualifiedStreamId(tenant, `${this.definition.name}-${sagaId}`);
  }

  async load(tenant: string, sagaId: string): Promise<SagaInstance<S>> {
    return (await this.loadWithEvents(tenant, sagaId)).inst;
  }

  private async loadWithEvents(tenant: string, sagaId: string): Promise<{ inst: SagaInstance<S>; events: StoredEvent[] }> {
    const streamId = this.streamIdOf(tenant, sagaId);
    const events = await this.deps.store.readStream(streamId);
    return { inst: foldSaga(this.definition, tenant, sagaId, streamId, events), events };
  }

  private async onDelivery(d: Delivery): Promise<void> {
    await this.handleEvent(fromEnvelope(d.message.envelope));
  }

  /**
   * Runs the saga for one delivered event (bus subscription here, a cloud trigger's batch in
   * NexusApp.runSagas); false when the event is not for this saga (type not handled, no
   * instance id, no tenant). Inputs are recorded idempotently, so redelivery is safe.
   */
  async handleEvent(event: StoredEvent): Promise<boolean> {
    if (!this.definition.handles.includes(event.type)) return false;
    const sagaId = this.definition.correlate(event);
    const tenant = event.metadata.tenant;
    if (sagaId === undefined || tenant === undefined) return false;
    const input: SagaInput = { kind: 'event', type: event.type, eventId: event.eventId, streamId: event.streamId.slice(event.streamId.indexOf(':') + 1), data: event.data };
    await this.run(tenant, sagaId, input, event);
    return true;
  }

  /** Records the input's reaction, then issues pending commands until none is left. */
  async run(tenant: string, sagaId: string, input: SagaInput, cause?: StoredEvent): Promise<SagaInstance<S> | undefined> {
    // One `saga <name>` span per step: a child of the causing event's trace, or a new trace for a timeout.
    const attributes = { 'nexus.saga': this.definition.name, 'nexus.saga_id': sagaId, 'nexus.input': input.kind };
    const step = cause
      ? startEventSpan(`saga ${this.definition.name}`, cause, SpanKind.CONSUMER, attributes)
      : startRootSpan(`saga ${this.definition.name} ${input.kind}`, SpanKind.INTERNAL, { ...attributes, 'nexus.tenant': tenant });
    const traceparent = 'continued' in step ? step.continued.metadata.traceparent : step.traceparent;
    try {
      let inst = await this.react(tenant, sagaId, input, traceparent);
      for (let rounds = 0; inst && inst.pendingCommands.length > 0 && rounds < 50; rounds++) {
        const command = inst.pendingCommands[0]!;
        const outcome = await this.dispatch(inst, command, cause, traceparent);
        inst = await this.react(tenant, sagaId, outcome, traceparent);
      }
      endSpan(step.span);
      return inst;
    } catch (err) {
      endSpan(step.span, err);
      throw err;
    }
  }

  private async dispatch(inst: SagaInstance<S>, command: SagaInstance<S>['pendingCommands'][number], cause?: StoredEvent, traceparent?: string): Promise<SagaInput> {
    const { commandId, ...cmd } = command;
    try {
      await this.deps.commands.handle({
        tenant: inst.tenant, aggregateType: cmd.aggregateType, aggregateId: cmd.aggregateId, type: cmd.type, payload: cmd.payload,
        commandId, actor: `saga:${this.definition.name}`, correlationId: cause?.metadata.correlationId ?? inst.streamId,
        ...(traceparent !== undefined ? { traceparent } : {}),
      });
      this.stats.commandsIssued++;
      return { kind: 'commandResult', commandId, command: cmd, ok: true };
    } catch (err) {
      const rejected = classifyCommandError(err);
      // Transient (store busy, conflicts beyond the handler's retries): the bus redelivers and we issue it again (same id).
      if (!rejected) throw err;
      this.stats.commandsRejected++;
      return { kind: 'commandResult', commandId, command: cmd, ok: false, error: rejected };
    }
  }

  private async react(tenant: string, sagaId: string, input: SagaInput, traceparent?: string): Promise<SagaInstance<S> | undefined> {
    this.stats.inputs++;
    return withRetry(async () => {
      const { inst, events: history } = await this.loadWithEvents(tenant, sagaId);
      const id = inputId(input);
      if (inst.processed.has(id)) {
        this.stats.duplicates++;
        await this.syncIndex(inst);
        return inst;
      }
      if (!inst.exists && !(input.kind === 'event' && this.definition.startsOn.includes(input.type))) return undefined;
      const data = this.reaction(inst, input, id);
      const reacted: NewEvent = {
        eventId: derivedId(inst.streamId, id), type: SAGA_REACTED, schemaVersion: 1, data: encodeReaction(data),
        metadata: { tenant, actor: `saga:${this.definition.name}`, causationId: id, ...(traceparent !== undefined ? { traceparent } : {}) },
      };
      const events = this.deps.pipeline ? await this.deps.pipeline.beforeAppend([reacted], { streamId: inst.streamId, tenant }) : [reacted];
      let appended: AppendResult;
      try {
        appended = await this.deps.store.append(inst.streamId, events, inst.version === 0 ? 'no_stream' : inst.version);
      } catch (err) {
        if (isConcurrencyError(err)) this.stats.conflicts++;
        throw err;
      }
      // The stream is what was read plus what was stored (the version check proved nothing came
      // between): fold that instead of reading the whole instance stream back. An idempotent
      // replay skipped that check (another delivery stored this reaction first): read it back.
      const after = appended.idempotentReplay
        ? await this.load(tenant, sagaId)
        : foldSaga(this.definition, tenant, sagaId, inst.streamId, [...history, ...appended.events]);
      await this.syncIndex(after);
      return after;
    }, this.retry);
  }

  private reaction(inst: SagaInstance<S>, input: SagaInput, id: string): SagaReactedData {
    if (inst.status === 'completed') {
      return { inputId: id, input, state: inst.state, status: 'completed', commands: [], timeouts: [], cancelled: [], ignored: true };
    }
    let r;
    try {
      r = this.definition.react(inst.state, input);
    } catch (err) {
      throw new PermanentError(`saga ${this.definition.name} ${inst.sagaId}: reaction to ${id} failed: ${(err as Error).message}`, { cause: err });
    }
    const now = this.now().getTime();
    return {
      inputId: id, input, state: r.state, status: r.status ?? 'active',
      commands: (r.commands ?? []).map((c, i) => ({ ...c, commandId: derivedId(inst.streamId, id, String(i)) })),
      timeouts: (r.schedule ?? []).map((t) => ({ name: t.name, dueAt: new Date(now + t.afterMs).toISOString() })),
      cancelled: [...(r.cancel ?? [])],
    };
  }

  /**
   * Makes the durable timeout index and the instance index match the instance (idempotent: run
   * again after a duplicate input too, so a crash between the append and the index update heals).
   * Each scheduled timeout has two entries: `saga-timeout:<saga>:<stream>:<name>` (per instance,
   * to find what to replace) and `saga-due:<saga>:<dueAt>:<stream>:<name>` (due-ordered, so the
   * poller reads only what is due). The due entry is written first and deleted first; a due entry
   * left behind by a crash is checked against the instance before it fires.
   */
  private async syncIndex(inst: SagaInstance<S>): Promise<void> {
    const prefix = `${TIMEOUT_PREFIX}${this.definition.name}:${inst.streamId}:`;
    const wanted = new Map([...inst.timeouts].map(([name, dueAt]) => [`${prefix}${name}`, { tenant: inst.tenant, sagaId: inst.sagaId, name, dueAt }]));
    for (const { name, value } of await this.deps.checkpoints.list(prefix)) {
      const want = wanted.get(name);
      if (want && JSON.stringify(want) === value) {
        wanted.delete(name);
        continue;
      }
      const old = parseTimeout(value);
      if (old) await this.deps.checkpoints.delete(this.dueKey(inst.streamId, old));
      if (!want) await this.deps.checkpoints.delete(name);
    }
    for (const [name, t] of wanted) {
      const value = JSON.stringify(t);
      await this.deps.checkpoints.set(this.dueKey(inst.streamId, t), value);
      await this.deps.checkpoints.set(name, value);
    }
    const statusKey = `${instancePrefix(this.definition.name)}${inst.streamId}`;
    if ((await this.deps.checkpoints.get(statusKey)) !== inst.status) await this.deps.checkpoints.set(statusKey, inst.status);
  }

  private dueKey(streamId: string, t: { readonly name: string; readonly dueAt: string }): string {
    return `${DUE_PREFIX}${this.definition.name}:${t.dueAt}:${streamId}:${t.name}`;
  }

  /**
   * Adds the due-ordered entry for every per-instance timeout entry that lacks one (stores
   * written before the due index existed). Runs before a coordinator's first scan, once per
   * store: a marker `saga-due:<saga>~backfilled` records that it is done ('~' sorts after every
   * due entry's ':' so the marker is never inside a due range).
   */
  private async backfillDueIndex(): Promise<void> {
    // Once per store, not once per process: every writer since keeps both entries itself.
    const marker = `${DUE_PREFIX}${this.definition.name}~backfilled`;
    if ((await this.deps.checkpoints.get(marker)) !== undefined) return;
    const prefix = `${TIMEOUT_PREFIX}${this.definition.name}:`;
    for (const { name, value } of await this.deps.checkpoints.list(prefix)) {
      const t = parseTimeout(value);
      if (!t) continue;
      const streamId = name.slice(prefix.length, name.length - t.name.length - 1);
      const key = this.dueKey(streamId, t);
      if ((await this.deps.checkpoints.get(key)) === undefined) await this.deps.checkpoints.set(key, value);
    }
    await this.deps.checkpoints.set(marker, new Date().toISOString());
  }

  /**
   * Fires every timeout due now (also callable directly from tests and schedulers). Reads only
   * due entries of the due-ordered index, at most `batch` per call (the next call takes the rest).
   * Instances are handled in parallel (up to `concurrency` at once), the timeouts of one instance
   * in due order. Returns how many fired.
   */
  async fireDueTimeouts(concurrency = 8, batch = 1000): Promise<number> {
    this.backfilled ??= this.backfillDueIndex().catch((err: unknown) => {
      this.backfilled = undefined;
      throw err;
    });
    await this.backfilled;
    const now = this.now().toISOString();
    const duePrefix = `${DUE_PREFIX}${this.definition.name}:`;
    // ISO times of one format sort as text; '~' sorts after every character of a stream id.
    const entries = await this.deps.checkpoints.list(duePrefix, { to: `${duePrefix}${now}~`, limit: batch });
    const byInstance = new Map<string, Array<{ key: string; tenant: string; sagaId: string; name: string; dueAt: string }>>();
    for (const e of entries) {
      const t = parseTimeout(e.value);
      if (!t) {
        await this.deps.checkpoints.delete(e.name);
        continue;
      }
      if (t.dueAt > now) continue;
      // Entries come in key order, which is due order: each instance's list stays sorted.
      const k = `${t.tenant}:${t.sagaId}`;
      const group = byInstance.get(k);
      if (group) group.push({ ...t, key: e.name });
      else byInstance.set(k, [{ ...t, key: e.name }]);
    }
    const queue = [...byInstance.values()];
    let fired = 0;
    const worker = async (): Promise<void> => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const t of group) {
          try {
            const inst = await this.load(t.tenant, t.sagaId);
            if (inst.timeouts.get(t.name) !== t.dueAt) {
              // Stale (a crash between index writes, or already fired): never fire what the instance does not hold.
              await this.deps.checkpoints.delete(t.key);
              continue;
            }
            await this.run(t.tenant, t.sagaId, { kind: 'timeout', name: t.name, dueAt: t.dueAt });
            this.stats.timeoutsFired++;
            fired++;
          } catch (err) {
            this.deps.onError?.(err);
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return fired;
  }

  /** Active instances (tenant-qualified stream ids) and whether each has a timeout or a pending command. */
  async activeInstances(): Promise<Array<{ streamId: string; hasTimeout: boolean; pendingCommands: number }>> {
    const out: Array<{ streamId: string; hasTimeout: boolean; pendingCommands: number }> = [];
    for (const { name, value } of await this.deps.checkpoints.list(instancePrefix(this.definition.name))) {
      if (value !== 'active') continue;
      const streamId = name.slice(instancePrefix(this.definition.name).length);
      const [tenant, rest] = [streamId.slice(0, streamId.indexOf(':')), streamId.slice(streamId.indexOf(':') + 1)];
      const inst = await this.load(tenant, rest.slice(this.definition.name.length + 1));
      if (inst.status !== 'active') continue;
      out.push({ streamId, hasTimeout: inst.timeouts.size > 0, pendingCommands: inst.pendingCommands.length });
    }
    return out;
  }
}
