/** `nexus dlq --tenant` and `--cursor` against a local SQLite stack in a temporary directory (ADR 0134). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../runtime/createRuntime';
import { localManifest } from '../../runtime/manifest';
import { PermanentError } from '../../runtime/ports/EventBus';
import { runDlqList, runDlqPurge, runDlqRedrive } from '../../runtime/cli/commands/dlq';
import { buildProgram } from '../../runtime/cli/main';
import { tenantMessage, waitUntil } from '../contracts/eventBusContract';

describe('nexus dlq --tenant / --cursor (local stack)', function () {
  this.timeout(30_000);
  let dir: string;
  const lines: string[] = [];
  const out = (l: string): void => void lines.push(l);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-dlq-cli-'));
    const rt = await createRuntime(localManifest(dir));
    const sub = await rt.bus.subscribe({ group: 'cli-tenants', path: 'core', handler: async () => { throw new PermanentError('refused'); } });
    await rt.bus.publish([...['a1', 'a2', 'a3'].map((k) => tenantMessage('acme', k)), ...['g1', 'g2'].map((k) => tenantMessage('globex', k))]);
    await waitUntil('5 dead letters', async () => (await rt.bus.deadLetters.count({ group: 'cli-tenants' })) === 5, 5000);
    await sub.close();
    await rt.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => void lines.splice(0));

  it('lists one tenant\'s dead letters a page at a time, printing the cursor of the next page', async () => {
    const first = await runDlqList({ dir, tenant: 'acme', limit: '2' }, out);
    assert.equal(first.length, 2);
    assert.ok(first.every((d) => d.message.envelope.tenant === 'acme'));
    assert.match(lines[0]!, /^3 dead letter\(s\) of tenant acme$/);
    const more = lines.find((l) => l.startsWith('more: --cursor '));
    assert.ok(more, lines.join('\n'));
    lines.splice(0);
    const second = await runDlqList({ dir, tenant: 'acme', limit: '2', cursor: more.slice('more: --cursor '.length) }, out);
    assert.equal(second.length, 1);
    assert.ok(!first.some((d) => d.id === second[0]!.id));
    assert.ok(!lines.some((l) => l.startsWith('more:')), 'no cursor after the last page');
    await assert.rejects(runDlqList({ dir, cursor: 'nope' }, out), /--cursor/);
    await assert.rejects(runDlqList({ dir, limit: '0' }, out), /--limit must be an integer >= 1/);
  });

  it('skips named ids of another tenant, and acts on one tenant\'s with --all', async () => {
    const globex = await runDlqList({ dir, tenant: 'globex' }, out);
    assert.equal(globex.length, 2);
    assert.equal(await runDlqPurge([globex[0]!.id], { dir, tenant: 'acme' }, out), 0, 'not acme\'s: skipped');
    assert.equal(await runDlqRedrive([], { dir, all: true, tenant: 'globex' }, out), 2);
    assert.match(lines.join('\n'), /redriven 2 of tenant globex/);
    assert.equal(await runDlqPurge([], { dir, all: true, tenant: 'acme', group: 'cli-tenants' }, out), 3);
    assert.equal((await runDlqList({ dir, group: 'cli-tenants' }, out)).length, 0);
  });

  it('takes --tenant on the nexus program', async () => {
    const program = buildProgram();
    const log = console.log;
    const printed: string[] = [];
    console.log = (...a: unknown[]) => void printed.push(a.join(' '));
    try {
      await program.parseAsync(['node', 'nexus', 'dlq', 'list', '--dir', dir, '--tenant', 'initech']);
    } finally {
      console.log = log;
    }
    assert.match(printed.join('\n'), /0 dead letter\(s\) of tenant initech/);
  });
});
