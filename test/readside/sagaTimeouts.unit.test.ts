/**
 * Durable saga timeouts: the due-ordered index means a scan reads only what is due (not every
 * scheduled timeout of every instance), a stale index entry never fires, rescheduling replaces
 * the old entry, and entries written before the due index existed are backfilled once.
 */
import assert from 'node:assert/strict';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { SagaCoordinator, type SagaDefinition } from '../../runtime/core/sagas';
import type { CheckpointListOptions } from '../../runtime/ports/CheckpointStore';

interface Reminder { readonly fired: string[] }

const reminders: SagaDefinition<Reminder> = {
  name: 'Reminder', handles: ['Remind', 'Snooze'], startsOn: ['Remind'], initialState: { fired: [] },
  correlate: (e) => String(e.data.id),
  react: (state, input) => {
    if (input.kind === 'event' && input.type === 'Remind') return { state, schedule: [{ name: 'ping', afterMs: Number(input.data.afterMs) }] };
    if (input.kind === 'event' && input.type === 'Snooze') return { state, schedule: [{ name: 'ping', afterMs: Number(input.data.afterMs) }] };
    if (input.kind === 'timeout') return { state: { fired: [...state.fired, input.name] }, status: 'completed' };
    return { state };
  },
};

/** Counts the entries every list() call returns. */
class CountingCheckpoints extends InMemoryCheckpointStore {
  listed = 0;
  override async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    const out = await super.list(prefix, options);
    this.listed += out.length;
    return out;
  }
}

describe('saga timeouts: due-ordered durable index', () => {
  let now: number;
  let checkpoints: CountingCheckpoints;
  let saga: SagaCoordinator<Reminder>;

  const event = (type: string, id: string, afterMs: number) =>
    saga.run('acme', id, { kind: 'event', type, eventId: `${type}-${id}-${afterMs}`, streamId: `Thing-${id}`, data: { id, afterMs } });

  beforeEach(() => {
    now = Date.parse('2026-06-01T00:00:00.000Z');
    checkpoints = new CountingCheckpoints();
    saga = new SagaCoordinator(reminders, {
      store: new InMemoryEventStore(), bus: new InMemoryEventBus(), checkpoints,
      commands: { handle: () => Promise.reject(new Error('no commands in this saga')) }, routing: { noncritical: [] }, now: () => new Date(now),
    });
  });

  it('a scan reads only the due entries, however many are scheduled later', async () => {
    for (let i = 0; i < 300; i++) await event('Remind', `later-${i}`, 3_600_000 + i);
    await event('Remind', 'soon', 1_000);
    assert.equal(await saga.fireDueTimeouts(), 0, 'nothing due yet (this first scan also runs the one-time backfill check)');
    now += 2_000;
    checkpoints.listed = 0;
    assert.equal(await saga.fireDueTimeouts(), 1);
    assert.deepEqual((await saga.load('acme', 'soon')).state.fired, ['ping']);
    // One due entry read by the scan, plus the per-instance entry sync of the one instance that fired.
    assert.ok(checkpoints.listed <= 3, `the scan read ${checkpoints.listed} entries; expected only the due one (not 300 future ones)`);
    checkpoints.listed = 0;
    assert.equal(await saga.fireDueTimeouts(), 0, 'nothing else is due');
    assert.equal(checkpoints.listed, 0);
  });

  it('rescheduling replaces the due entry: only the new time fires, once', async () => {
    await event('Remind', 'r1', 1_000);
    await event('Snooze', 'r1', 10_000);
    now += 2_000;
    assert.equal(await saga.fireDueTimeouts(), 0, 'the old due time no longer fires');
    now += 10_000;
    assert.equal(await saga.fireDueTimeouts(), 1);
    assert.equal(await saga.fireDueTimeouts(), 0, 'fired once');
    assert.deepEqual((await checkpoints.list('saga-due:Reminder:')).length, 0, 'no due entry left');
    assert.deepEqual((await checkpoints.list('saga-timeout:')).length, 0, 'no instance entry left');
  });

  it('a stale due entry (crash between index writes) is dropped, never fired', async () => {
    await event('Remind', 'r2', 60_000);
    const dueAt = new Date(now - 5_000).toISOString();
    await checkpoints.set(`saga-due:Reminder:${dueAt}:acme:Reminder-r2:ping`, JSON.stringify({ tenant: 'acme', sagaId: 'r2', name: 'ping', dueAt }));
    assert.equal(await saga.fireDueTimeouts(), 0);
    assert.deepEqual((await saga.load('acme', 'r2')).state.fired, [], 'the instance holds another due time: nothing fired');
    assert.equal((await checkpoints.list('saga-due:Reminder:')).length, 1, 'the stale entry is gone, the real one stays');
  });

  it('backfills due entries for per-instance entries written before the due index existed', async () => {
    await event('Remind', 'r3', 1_000);
    for (const { name } of await checkpoints.list('saga-due:Reminder:')) await checkpoints.delete(name);
    const fresh = new SagaCoordinator(reminders, {
      store: (saga as unknown as { deps: { store: InMemoryEventStore } }).deps.store, bus: new InMemoryEventBus(), checkpoints,
      commands: { handle: () => Promise.reject(new Error('unused')) }, routing: { noncritical: [] }, now: () => new Date(now),
    });
    now += 2_000;
    assert.equal(await fresh.fireDueTimeouts(), 1);
    assert.deepEqual((await fresh.load('acme', 'r3')).state.fired, ['ping']);
  });
});
