/**
 * Guard: an aggregate emits only the event types it declares. decideChecked (used by the
 * command handler and the given/when/then DSL) raises UndeclaredEventError naming the rule;
 * the command handler stores nothing.
 */
import assert from 'node:assert/strict';
import { ARCHITECTURE_RULES, decideChecked, isUndeclaredEventError, UndeclaredEventError, violatedRule } from '../../runtime/core/guards';
import type { Decider, DomainCommand } from '../../runtime/core/aggregate';
import { specify } from '../../runtime/core/testing';
import { coreFixture } from '../core/fixtures';

type Cmd = DomainCommand<'Open' | 'Sneak', Record<string, never>>;
type Evt = { type: 'Opened'; data: Record<string, never> };

const rogue: Decider<Cmd, Evt, { open: boolean }> = {
  aggregateType: 'Account',
  initialState: { open: false },
  stateVersion: 1,
  eventTypes: ['Opened'],
  commands: { Open: { type: 'object' }, Sneak: { type: 'object' } },
  decide: (c) => (c.type === 'Open' ? [{ type: 'Opened', data: {} }] : [{ type: 'Closed', data: {} } as unknown as Evt]),
  evolve: (s, e) => (e.type === 'Opened' ? { open: true } : s),
};

describe('guard: an aggregate emits only the event types it declares', () => {
  it('decideChecked passes declared events and refuses undeclared ones with the rule name', () => {
    assert.deepEqual(decideChecked(rogue, { type: 'Open', aggregateId: '1', payload: {} }, rogue.initialState), [{ type: 'Opened', data: {} }]);
    assert.throws(() => decideChecked(rogue, { type: 'Sneak', aggregateId: '1', payload: {} }, rogue.initialState), (e: unknown) =>
      isUndeclaredEventError(e) && e.rule === ARCHITECTURE_RULES.declaredEventsOnly && violatedRule(e) === e.rule && /"Closed"/.test(e.message) && e.declared.includes('Opened'));
  });

  it('the given/when/then DSL enforces it too', () => {
    specify(rogue).given([]).when({ type: 'Sneak', aggregateId: '1', payload: {} }).thenThrows(UndeclaredEventError, ARCHITECTURE_RULES.declaredEventsOnly);
  });

  it('the command handler stores nothing when a decider emits an undeclared event', async () => {
    const { handler, eventStore } = coreFixture({ deciders: [rogue] });
    await assert.rejects(handler.handle({ tenant: 'acme', aggregateType: 'Account', aggregateId: '1', type: 'Sneak', payload: {} }), isUndeclaredEventError);
    assert.equal((await eventStore.streamInfo('acme:Account-1')).exists, false);
  });
});
