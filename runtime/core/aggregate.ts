/**
 * Aggregates as pure deciders: `decide(command, state) → events` and `evolve(state, event) → state`.
 * No I/O, no clock, no ids: the command handler supplies those. This file also holds the domain
 * error contract (invariant violations, undeclared event types, unknown commands) and the
 * registry the command handler and HTTP API use to find a decider by aggregate type.
 */
import { NexusError, hasCode } from '../ports/errors';

/** A domain event as a decider sees it: a type and a plain-JSON payload. */
export interface DomainEvent<T extends string = string, D extends object = object> {
  readonly type: T;
  readonly data: D;
}

/** A command as a decider sees it. */
export interface DomainCommand<T extends string = string, P extends object = object> {
  readonly type: T;
  /** Id of the aggregate instance the command targets (the `42` of `Order-42`). */
  readonly aggregateId: string;
  readonly payload: P;
}

/** JSON Schema (draft-07 subset, checked with ajv) for one command's payload. */
export type PayloadSchema = Readonly<Record<string, unknown>>;

export interface Decider<C extends DomainCommand, E extends DomainEvent, S> {
  /** Aggregate type: the first part of the stream name (`Order` → `Order-42`). */
  readonly aggregateType: string;
  readonly initialState: S;
  /** Pure: the events the command produces in this state, or throws InvariantViolationError. */
  decide(command: C, state: S): readonly E[];
  /** Pure: the state after one event. Must accept every event type it ever emitted. */
  evolve(state: S, event: E): S;
  /** Version of the state's shape: bump it when S changes so old snapshots are ignored. */
  readonly stateVersion: number;
  /** The only event types decide may emit. */
  readonly eventTypes: readonly E['type'][];
  /** Command types with the JSON Schema of their payload (the API answers 400 for others). */
  readonly commands: Readonly<Record<C['type'], PayloadSchema>>;
  /** Schema version written for each event type; default 1. */
  readonly schemaVersions?: Readonly<Partial<Record<E['type'], number>>>;
  /** Events since the last snapshot before a new one is taken; default: manifest snapshots.everyNEvents. */
  readonly snapshotEvery?: number;
}

/** Any decider, for registries that hold several aggregates. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDecider = Decider<any, any, any>;

/** A business rule forbids the command in the current state. HTTP 422. */
export class InvariantViolationError extends NexusError {
  readonly code = 'INVARIANT_VIOLATION' as const;
  readonly httpStatus = 422;
  /** Stable kebab-case name of the rule, e.g. "cannot-ship-unpaid-order". */
  constructor(readonly rule: string, detail: string) {
    super(`${rule}: ${detail}`);
  }
}
export const isInvariantViolationError = (e: unknown): e is InvariantViolationError => hasCode(e, 'INVARIANT_VIOLATION');

/** A decider emitted an event type it does not declare: a programming error, never stored. */
export class UndeclaredEventError extends NexusError {
  readonly code = 'UNDECLARED_EVENT_TYPE' as const;
  readonly rule = 'aggregate-emits-declared-event-types-only';
  constructor(readonly aggregateType: string, readonly eventType: string, readonly declared: readonly string[]) {
    super(`${aggregateType} emitted event type "${eventType}", which it does not declare (rule aggregate-emits-declared-event-types-only; declared: ${declared.join(', ')})`);
  }
}
export const isUndeclaredEventError = (e: unknown): e is UndeclaredEventError => hasCode(e, 'UNDECLARED_EVENT_TYPE');

/** The aggregate type or command type is not known. HTTP 400. */
export class UnknownCommandError extends NexusError {
  readonly code = 'UNKNOWN_COMMAND' as const;
  constructor(readonly aggregateType: string, readonly commandType: string | undefined, readonly known: readonly string[]) {
    super(
      commandType === undefined
        ? `unknown aggregate type "${aggregateType}"; expected one of ${known.join(', ')}`
        : `${aggregateType} has no command "${commandType}"; expected one of ${known.join(', ')}`,
    );
  }
}
export const isUnknownCommandError = (e: unknown): e is UnknownCommandError => hasCode(e, 'UNKNOWN_COMMAND');

/** Runs decide and enforces the declared-event-types rule. */
export function decideChecked<C extends DomainCommand, E extends DomainEvent, S>(decider: Decider<C, E, S>, command: C, state: S): E[] {
  const events = decider.decide(command, state);
  for (const e of events) {
    if (!decider.eventTypes.includes(e.type)) throw new UndeclaredEventError(decider.aggregateType, e.type, decider.eventTypes);
  }
  return [...events];
}

/** Folds events onto a state. */
export function fold<E extends DomainEvent, S>(decider: Pick<Decider<DomainCommand, E, S>, 'evolve'>, state: S, events: readonly E[]): S {
  let s = state;
  for (const e of events) s = decider.evolve(s, e);
  return s;
}

/** Aggregate type → decider. */
export class AggregateRegistry {
  private readonly byType = new Map<string, AnyDecider>();
  constructor(deciders: readonly AnyDecider[] = []) {
    for (const d of deciders) this.register(d);
  }
  register(decider: AnyDecider): this {
    if (this.byType.has(decider.aggregateType)) throw new Error(`aggregate type ${decider.aggregateType} is registered twice`);
    this.byType.set(decider.aggregateType, decider);
    return this;
  }
  /** The decider, or UnknownCommandError naming the known aggregate types. */
  get(aggregateType: string): AnyDecider {
    const d = this.byType.get(aggregateType);
    if (!d) throw new UnknownCommandError(aggregateType, undefined, this.types());
    return d;
  }
  find(aggregateType: string): AnyDecider | undefined {
    return this.byType.get(aggregateType);
  }
  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
