/**
 * Sagas as pure reactions over an event-sourced instance. A SagaDefinition maps inputs (an
 * event it listens to, the outcome of a command it issued, a timeout firing) to a new state,
 * the commands to issue (through the command handler only), timeouts to schedule or cancel.
 * Each reaction is stored as one `SagaReacted` event on the instance's own stream
 * `<tenant>:<SagaName>-<sagaId>`; the instance is the fold of that stream.
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

export function foldSaga<S>(def: SagaDefinition<S>, tenant: string, sagaId: string, streamId: string, events: readonly StoredEvent[]): SagaInstance<S> {
  let state = def.initialState;
  let status: SagaStatus = 'active';
  const processed = new Set<string>();
  const pending = new Map<string, SagaCommand & { commandId: string }>();
  const timeouts = new Map<string, string>();
  const history: Array<{ version: number; recordedAt: string } & SagaReactedData> = [];
  for (const e of events) {
    if (e.type !== SAGA_REACTED) continue;
    const d = e.data as unknown as SagaReactedData;
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
