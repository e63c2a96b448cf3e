/**
 * Sagas as pure reactions over an event-sourced instance. A SagaDefinition maps inputs (an
 * event it listens to, the outcome of a command it issued, a timeout firing) to a new state,
 * the commands to issue (through the command handler only), timeouts to schedule or cancel.
 * Each reaction is stored as one `SagaReacted` event on the instance's own stream
 * `<tenant>:<SagaName>-<sagaId>`; the instance is the fold of that stream. SagaReacted is a
 * governed event like any other (schemas/sagas/SagaReacted.v1.avsc, ADR 0138): the free-form
 * parts (event data, saga state, command payloads) are stored as JSON text, so `encodeReaction`
 * and `decodeReaction` translate between the stored record and SagaReactedData.
 */
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../../ports/events';

export interface SagaCommand {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export type SagaInput =
  | { readonly kind: 'event'; readonly type: string; readonly eventId: string; readonly streamId: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly kind: 'commandResult'; readonly commandId: string; readonly command: SagaCommand; readonly ok: boolean; readonly error?: { readonly code: string; readonly rule?: string; readonly message: string } }
  | { readonly kind: 'timeout'; readonly name: string; readonly dueAt: string };

export type SagaStatus = 'active' | 'completed';

export interface SagaReaction<S> {
  readonly state: S;
  /** 'completed' ends the saga: later inputs are recorded as ignored. Default 'active'. */
  readonly status?: SagaStatus;
  readonly commands?: readonly SagaCommand[];
  /** (Re)schedules named timeouts; scheduling a name again replaces it. */
  readonly schedule?: ReadonlyArray<{ readonly name: string; readonly afterMs: number }>;
  readonly cancel?: readonly string[];
}

export interface SagaDefinition<S> {
  /** Also the aggregate-like prefix of instance streams: `OrderFulfilment-<id>`. */
  readonly name: string;
  /** Event types the saga reacts to. */
  readonly handles: readonly string[];
  /** Event types that may create an instance. */
  readonly startsOn: readonly string[];
  /** The instance an event belongs to (undefined: not for this saga). */
  correlate(event: StoredEvent): string | undefined;
  readonly initialState: S;
  react(state: S, input: SagaInput): SagaReaction<S>;
}

export const SAGA_REACTED = 'SagaReacted';

/** The data of one SagaReacted event (one line of a saga's history). */
export interface SagaReactedData {
  readonly inputId: string;
  readonly input: SagaInput;
  readonly state: unknown;
  readonly status: SagaStatus;
  readonly commands: ReadonlyArray<SagaCommand & { readonly commandId: string }>;
  readonly timeouts: ReadonlyArray<{ readonly name: string; readonly dueAt: string }>;
  readonly cancelled: readonly string[];
  /** True when the saga had completed and the input changed nothing. */
  readonly ignored?: boolean;
}

export interface SagaInstance<S> {
  readonly saga: string;
  readonly sagaId: string;
  readonly tenant: string;
  readonly streamId: string;
  readonly exists: boolean;
  readonly version: number;
  readonly state: S;
  readonly status: SagaStatus;
  readonly processed: ReadonlySet<string>;
  /** Issued commands without a recorded outcome yet. */
  readonly pendingCommands: ReadonlyArray<SagaCommand & { readonly commandId: string }>;
  /** Timeout name → due time (ISO). */
  readonly timeouts: ReadonlyMap<string, string>;
  readonly history: ReadonlyArray<{ readonly version: number; readonly recordedAt: string } & SagaReactedData>;
}

export function inputId(input: SagaInput): string {
  switch (input.kind) {
    case 'event': return `event:${input.eventId}`;
    case 'commandResult': return `command:${input.commandId}`;
    case 'timeout': return `timeout:${input.name}@${input.dueAt}`;
  }
}

/** A deterministic id (event ids of reactions, command ids): a redelivered input maps to the same ids. */
export function derivedId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Stored form of an input (schema record nexus.sagas.SagaInput): one kind, the other fields absent. */
function encodeInput(input: SagaInput): Record<string, unknown> {
  switch (input.kind) {
    case 'event':
      return { kind: 'event', type: input.type, eventId: input.eventId, streamId: input.streamId, dataJson: JSON.stringify(input.data) };
    case 'commandResult': {
      const { aggregateType, aggregateId, type, payload } = input.command;
      return {
        kind: 'commandResult', commandId: input.commandId, command: { aggregateType, aggregateId, type, payloadJson: JSON.stringify(payload) }, ok: input.ok,
        ...(input.error ? { error: { code: input.error.code, rule: input.error.rule ?? null, message: input.error.message } } : {}),
      };
    }
    case 'timeout':
      return { kind: 'timeout', name: input.name, dueAt: input.dueAt };
  }
}

/** The `data` of a SagaReacted event, as the schema (SagaReacted v1) describes it. */
export function encodeReaction(d: SagaReactedData): Record<string, unknown> {
  return {
    inputId: d.inputId,
    input: encodeInput(d.input),
    stateJson: JSON.stringify(d.state ?? null),
    status: d.status,
    commands: d.commands.map((c) => ({ commandId: c.commandId, aggregateType: c.aggregateType, aggregateId: c.aggregateId, type: c.type, payloadJson: JSON.stringify(c.payload) })),
    timeouts: d.timeouts.map((t) => ({ name: t.name, dueAt: t.dueAt })),
    cancelled: [...d.cancelled],
    ignored: d.ignored === true,
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const parseJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function decodeInput(raw: Record<string, unknown>): SagaInput {
  switch (raw.kind) {
    case 'event':
      return { kind: 'event', type: str(raw.type), eventId: str(raw.eventId), streamId: str(raw.streamId), data: (parseJson(raw.dataJson ?? raw.data) ?? {}) as Record<string, unknown> };
    case 'commandResult': {
      const c = (raw.command ?? {}) as Record<string, unknown>;
      const e = raw.error as Record<string, unknown> | null | undefined;
      return {
        kind: 'commandResult', commandId: str(raw.commandId), ok: raw.ok === true,
        command: { aggregateType: str(c.aggregateType), aggregateId: str(c.aggregateId), type: str(c.type), payload: (parseJson(c.payloadJson ?? c.payload) ?? {}) as Record<string, unknown> },
        ...(e ? { error: { code: str(e.code), message: str(e.message), ...(typeof e.rule === 'string' ? { rule: e.rule } : {}) } } : {}),
      };
    }
    case 'timeout':
      return { kind: 'timeout', name: str(raw.name), dueAt: str(raw.dueAt) };
    default:
      throw new Error(`SagaReacted: unknown input kind ${JSON.stringify(raw.kind)}`);
  }
}

/**
 * SagaReactedData from a stored SagaReacted event. Also reads the pre-schema shape (state,
 * input data and payloads as plain objects) that local stores written before ADR 0138 hold.
 */
export function decodeReaction(data: Readonly<Record<string, unknown>>): SagaReactedData {
  const commands = (data.commands ?? []) as Array<Record<string, unknown>>;
  return {
    inputId: str(data.inputId),
    input: decodeInput((data.input ?? {}) as Record<string, unknown>),
    state: 'stateJson' in data ? parseJson(data.stateJson) : data.state,
    status: data.status === 'completed' ? 'completed' : 'active',
    commands: commands.map((c) => ({
      commandId: str(c.commandId), aggregateType: str(c.aggregateType), aggregateId: str(c.aggregateId), type: str(c.type),
      payload: (parseJson(c.payloadJson ?? c.payload) ?? {}) as Record<string, unknown>,
    })),
    timeouts: ((data.timeouts ?? []) as Array<{ name: string; dueAt: string }>).map((t) => ({ name: t.name, dueAt: t.dueAt })),
    cancelled: [...((data.cancelled ?? []) as string[])],
    ...(data.ignored === true ? { ignored: true } : {}),
  };
}

export function foldSaga<S>(def: SagaDefinition<S>, tenant: string, sagaId: string, streamId: string, events: readonly StoredEvent[]): SagaInstance<S> {
  let state = def.initialState;
  let status: SagaStatus = 'active';
  const processed = new Set<string>();
  const pending = new Map<string, SagaCommand & { commandId: string }>();
  const timeouts = new Map<string, string>();
  const history: Array<{ version: number; recordedAt: string } & SagaReactedData> = [];
  for (const e of events) {
    if (e.type !== SAGA_REACTED) continue;
    const d = decodeReaction(e.data);
    processed.add(d.inputId);
    history.push({ version: e.version, recordedAt: e.recordedAt, ...d });
    if (d.input.kind === 'commandResult') pending.delete(d.input.commandId);
    if (d.input.kind === 'timeout' && timeouts.get(d.input.name) === d.input.dueAt) timeouts.delete(d.input.name);
    if (d.ignored) continue;
    state = d.state as S;
    status = d.status;
    for (const c of d.commands) pending.set(c.commandId, c);
    for (const n of d.cancelled) timeouts.delete(n);
    for (const t of d.timeouts) timeouts.set(t.name, t.dueAt);
  }
  if (status === 'completed') timeouts.clear();
  const last = events[events.length - 1];
  return {
    saga: def.name, sagaId, tenant, streamId, exists: events.length > 0, version: last?.version ?? 0,
    state, status, processed, pendingCommands: [...pending.values()], timeouts, history,
  };
}
