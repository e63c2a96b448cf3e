/**
 * `npm start` as a user runs it: the real entry point (runtime/main.ts) as a child process in a
 * fresh working directory (no `.nexus/` yet), NEXUS_PORT=0. Reads the printed banner, runs the
 * printed curl commands' requests with the printed token, and stops it with SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

describe('npm start (runtime/main.ts as a process)', function () {
  this.timeout(90_000);
  let cwd: string;
  let child: ChildProcess;
  let output = '';

  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'nexus-start-'));
    symlinkSync(join(ROOT, 'schemas'), join(cwd, 'schemas'));
    child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(ROOT, 'runtime', 'main.ts')], {
      cwd, env: { ...process.env, NEXUS_PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/export TOKEN=\S+/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no banner within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(() => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('creates .nexus/, prints a token and curl lines that work, and stops cleanly on SIGTERM', async () => {
    assert.ok(existsSync(join(cwd, '.nexus', 'events.db')), '.nexus/ was created');
    const token = /export TOKEN=(\S+)/.exec(output)![1]!;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const curls = output.split('\n').filter((l) => l.trim().startsWith('curl -s -X POST'));
    assert.ok(curls.length >= 2, output);
    for (const line of curls) {
      const path = /http:\/\/127\.0\.0\.1:\d+(\S+)/.exec(line)![1]!;
      const body = /-d '(.*)'$/.exec(line)![1]!;
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
      assert.equal(res.status, 201, `${line}\n${await res.text()}`);
    }
    const stream = await fetch(`${url}/streams/Order-42`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(stream.status, 200);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGTERM');
    assert.equal(await exited, 0, output);
  });
});
