/**
 * Given/when/then specifications for deciders:
 *
 *   const spec = specify(orderDecider);
 *   spec.given([placed]).when(addItem).then([itemAdded]);
 *   spec.given([placed, shipped]).when(addItem).thenThrows(InvariantViolationError, 'cannot-add-items-after-shipping');
 *
 * `then` also folds the emitted events through evolve, so an evolve that cannot handle what
 * decide emits fails the spec. Assertions use node:assert, so they work under any runner.
 */
import assert from 'node:assert/strict';
import { decideChecked, fold, type Decider, type DomainCommand, type DomainEvent } from './aggregate';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

export interface When<E, S> {
  /** The command emits exactly these events (deep equality, in order). */
  then(expected: readonly E[]): S;
  /** The command emits nothing. */
  thenNothing(): S;
  /** decide throws an instance of errorClass; with `rule`, its `rule` property must equal it. */
  thenThrows(errorClass: ErrorClass, rule?: string): Error;
  /** Escape hatch: the events and the resulting state, for custom assertions. */
  result(): { events: E[]; state: S };
}

export interface Given<C, E, S> {
  when(command: C): When<E, S>;
  /** The state after the given events equals expected. */
  thenState(expected: S): void;
}

export interface Spec<C, E, S> {
  given(events: readonly E[]): Given<C, E, S>;
}

export function specify<C extends DomainCommand, E extends DomainEvent, S>(decider: Decider<C, E, S>): Spec<C, E, S> {
  return {
    given(history) {
      const state = fold(decider, decider.initialState, history);
      return {
        thenState(expected) {
          assert.deepStrictEqual(state, expected);
        },
        when(command) {
          const run = (): { events: E[]; state: S } => {
            const events = decideChecked(decider, command, state);
            return { events, state: fold(decider, state, events) };
          };
          return {
            result: run,
            then(expected) {
              const r = run();
              assert.deepStrictEqual(r.events, [...expected], `${command.type}: emitted events differ from the specification`);
              return r.state;
            },
            thenNothing() {
              const r = run();
              assert.deepStrictEqual(r.events, [], `${command.type}: expected no events`);
              return r.state;
            },
            thenThrows(errorClass, rule) {
              let caught: unknown;
              try {
                run();
              } catch (e) {
                caught = e;
              }
              assert.ok(caught !== undefined, `${command.type}: expected ${errorClass.name}${rule ? ` (${rule})` : ''}, but decide succeeded`);
              assert.ok(caught instanceof errorClass, `${command.type}: expected ${errorClass.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : JSON.stringify(caught)}`);
              if (rule !== undefined) assert.equal((caught as { rule?: unknown }).rule, rule, `${command.type}: wrong rule`);
              return caught;
            },
          };
        },
      };
    },
  };
}

