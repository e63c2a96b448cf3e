/**
 * Guard: events are immutable. The EventStore port and every EventStore adapter class that the
 * adapter factories (runtime/adapters/<cloud>/index.ts) construct offer no update/delete-style
 * method; re-appending an event id with different content never overwrites (in-process adapters).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHITECTURE_RULES, assertAppendOnly, isArchitectureViolationError, MUTATION_NAME, mutatingMethods } from '../../runtime/core/guards';
import { isDuplicateEventError, type EventStore } from '../../runtime/ports/EventStore';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';

const ROOT = join(__dirname, '..', '..');
const CLOUDS = ['local', 'aws', 'gcp', 'azure', 'selfhosted'];

/** Class names the eventStore factories of a cloud module construct. */
function factoryClasses(cloud: string): string[] {
  const src = readFileSync(join(ROOT, 'runtime', 'adapters', cloud, 'index.ts'), 'utf8');
  return [...new Set([...src.matchAll(/new (\w+EventStore)\(/g)].map((m) => m[1]!))];
}

/** Every exported class named *EventStore in runtime/adapters/<cloud>/. */
function adapterClasses(cloud: string): Map<string, { prototype: object }> {
  const dir = join(ROOT, 'runtime', 'adapters', cloud);
  const found = new Map<string, { prototype: object }>();
  for (const file of readdirSync(dir).filter((f) => /EventStore\.ts$/.test(f))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (typeof value === 'function' && /EventStore$/.test(name)) found.set(name, value);
  }
  return found;
}

describe('guard: events are immutable', () => {
  it('the EventStore port declares append and reads only', () => {
    const src = readFileSync(join(ROOT, 'runtime', 'ports', 'EventStore.ts'), 'utf8');
    const body = /export interface EventStore \{([\s\S]*?)\n\}/.exec(src)?.[1];
    assert.ok(body, 'interface EventStore not found in runtime/ports/EventStore.ts');
    const members = [...body.matchAll(/^\s{2}(\w+)\??\(/gm)].map((m) => m[1]!);
    assert.deepEqual(members.sort(), ['append', 'close', 'readAll', 'readStream', 'streamInfo']);
    assert.deepEqual(members.filter((m) => MUTATION_NAME.test(m)), []);
  });

  for (const cloud of CLOUDS) {
    it(`every ${cloud} EventStore adapter built by the factories has no update/delete method`, () => {
      const classes = adapterClasses(cloud);
      const built = factoryClasses(cloud);
      assert.ok(built.length > 0, `runtime/adapters/${cloud}/index.ts constructs no *EventStore`);
      for (const name of built) {
        const cls = classes.get(name);
        assert.ok(cls, `${cloud} factory constructs ${name}, but no runtime/adapters/${cloud}/*EventStore.ts exports it`);
        assert.deepEqual(mutatingMethods(cls.prototype), [], `${name} offers mutating methods`);
        assert.doesNotThrow(() => assertAppendOnly(cls.prototype, name));
      }
      assert.deepEqual([...classes.keys()].filter((n) => !built.includes(n)), [], `${cloud}: EventStore classes no factory constructs`);
    });
  }

  it('assertAppendOnly names the rule and the offending methods', () => {
    class LeakyEventStore { append(): void {} readStream(): void {} deleteStream(): void {} updateEvent(): void {} }
    assert.throws(() => assertAppendOnly(new LeakyEventStore()), (e: unknown) =>
      isArchitectureViolationError(e) && e.rule === ARCHITECTURE_RULES.eventsImmutable && /deleteStream, updateEvent/.test(e.message) && /LeakyEventStore/.test(e.message));
  });

  const inProcess: Array<[string, () => { store: EventStore; cleanup: () => void }]> = [
    ['InMemoryEventStore', () => ({ store: new InMemoryEventStore(), cleanup: () => undefined })],
    ['SqliteEventStore', () => {
      const dir = mkdtempSync(join(tmpdir(), 'nexus-guard-'));
      return { store: new SqliteEventStore({ path: join(dir, 'events.db') }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    }],
  ];
  for (const [name, make] of inProcess) {
    describe(name, () => {
      let store: EventStore;
      let cleanup: () => void;
      beforeEach(() => ({ store, cleanup } = make()));
      afterEach(async () => {
        await store.close();
        cleanup();
      });
      const original = { eventId: 'evt-1', type: 'OrderPlaced', schemaVersion: 1, data: { total: 10 } };

      it('refuses to overwrite an event re-appended with the same id and other content', async () => {
        await store.append('t:Order-1', [original], 'no_stream');
        let outcome: string;
        try {
          const r = await store.append('t:Order-1', [{ ...original, data: { total: 99 } }], 'any');
          assert.equal(r.idempotentReplay, true, 'a re-append with a stored id must be an idempotent replay');
          assert.deepEqual(r.events[0]!.data, { total: 10 }, 'the replay must return the ORIGINAL data');
          outcome = 'replay';
        } catch (err) {
          assert.ok(isDuplicateEventError(err), `expected DuplicateEventError or an idempotent replay, got ${String(err)}`);
          outcome = 'duplicate';
        }
        assert.ok(['replay', 'duplicate'].includes(outcome));
        const events = await store.readStream('t:Order-1');
        assert.equal(events.length, 1);
        assert.deepEqual(events[0]!.data, { total: 10 });
      });

      it('refuses a batch mixing a stored id with new ones (nothing written)', async () => {
        await store.append('t:Order-2', [original], 'no_stream');
        await assert.rejects(store.append('t:Order-2', [{ ...original, data: { total: 1 } }, { ...original, eventId: 'evt-2' }]), isDuplicateEventError);
        const events = await store.readStream('t:Order-2');
        assert.deepEqual(events.map((e) => [e.eventId, e.data]), [['evt-1', { total: 10 }]]);
      });
    });
  }
});
