/** `nexus projections` and `nexus dlq` against a local SQLite stack in a temporary directory. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../runtime/createRuntime';
import { localManifest } from '../../runtime/manifest';
import { PermanentError } from '../../runtime/ports/EventBus';
import { currentIndex } from '../../runtime/core/projections';
import { runRebuild, runList } from '../../runtime/cli/commands/projections';
import { runDlqList, runDlqPurge, runDlqRedrive, runDlqShow } from '../../runtime/cli/commands/dlq';
import { buildProgram } from '../../runtime/cli/main';
import { message, waitUntil } from '../contracts/eventBusContract';
import { appendOrder } from './ordersFixtures';

describe('nexus projections / nexus dlq (local stack)', function () {
  this.timeout(30_000);
  let dir: string;
  const lines: string[] = [];
  const out = (l: string): void => void lines.push(l);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-cli-'));
    const rt = await createRuntime(localManifest(dir));
    for (let i = 0; i < 30; i++) await appendOrder(rt.eventStore, 'acme', `o${i}`, `c${i % 4}`, ['add', 'pay']);
    const sub = await rt.bus.subscribe({ group: 'cli-test', path: 'core', handler: async () => { throw new PermanentError('cannot handle this'); } });
    await rt.bus.publish([message('acme:Order-x', 1), message('acme:Order-y', 1)]);
    await waitUntil('2 dead letters', async () => (await rt.bus.deadLetters.count('cli-test')) === 2, 5000);
    await sub.close();
    await rt.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => void lines.splice(0));

  it('rebuilds a projection into a fresh index, swaps it, and reports throughput', async () => {
    const first = await runRebuild('orderSummary', { dir, progress: false }, out);
    assert.equal(first.read, 90);
    assert.equal(first.applied, 90);
    const second = await runRebuild('orderSummary', { dir, progress: false }, out);
    assert.equal(second.previousIndex, first.index);
    assert.match(lines.join('\n'), /rebuilt orderSummary: 90 events read, 90 applied, 0 poison skipped in \d+ ms \(\d+ events\/s\)/);
    const rt = await createRuntime(localManifest(dir));
    try {
      const index = (await currentIndex(rt.checkpoints, 'orderSummary'))!;
      assert.equal(index, second.index);
      assert.equal((await rt.search.query(index, { filters: [{ field: 'status', op: 'eq', value: 'paid' }] })).total, 30);
      assert.ok(!(await rt.search.listIndexes()).includes(first.index), 'the old index is dropped');
    } finally {
      await rt.close();
    }
    await runList({ dir }, out);
    assert.match(lines.join('\n'), new RegExp(`orderSummary\\tindex=${second.index}`));
    await assert.rejects(runRebuild('nope', { dir, progress: false }, out), /not known; expected one of orderSummary, customerOrders/);
  });

  it('lists, shows, redrives (idempotently) and purges dead letters', async () => {
    const items = await runDlqList({ dir, group: 'cli-test' }, out);
    assert.equal(items.length, 2);
    assert.match(lines[0]!, /^2 dead letter\(s\) in cli-test/);
    assert.match(lines[1]!, /PermanentError: cannot handle this/);
    const shown = await runDlqShow(items[0]!.id, { dir }, out);
    assert.equal(shown.message.envelope.specversion, '1.0');
    assert.equal(shown.attempts, 1);
    assert.equal(await runDlqRedrive([items[0]!.id], { dir }, out), 1);
    assert.equal(await runDlqRedrive([items[0]!.id], { dir }, out), 0, 'redrive is idempotent');
    await assert.rejects(runDlqPurge([], { dir }, out), /--all/);
    assert.equal(await runDlqPurge([], { dir, all: true, group: 'cli-test' }, out), 1);
    await assert.rejects(runDlqShow('missing', { dir }, out), /was not found/);
  });

  it('is wired into the nexus program', async () => {
    const program = buildProgram();
    const names = program.commands.map((c) => c.name());
    assert.ok(names.includes('projections') && names.includes('dlq'), names.join(', '));
    const log = console.log;
    const printed: string[] = [];
    console.log = (...a: unknown[]) => void printed.push(a.join(' '));
    try {
      await program.parseAsync(['node', 'nexus', 'dlq', 'list', '--dir', dir]);
    } finally {
      console.log = log;
    }
    assert.match(printed.join('\n'), /dead letter\(s\)/);
  });
});
