/** `nexus token` mints tokens the local stack accepts (same secret file as npm start). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../runtime/cli/main';
import { createVerifier } from '../../runtime/http/auth';
import { devSecret } from '../../runtime/http/devSecret';

describe('nexus token', () => {
  let dir: string;
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'nexus-token-')), '.nexus');
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  async function run(...args: string[]): Promise<string> {
    const lines: string[] = [];
    const original = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      await buildProgram().parseAsync(['node', 'nexus', 'token', '--dir', dir, ...args]);
    } finally {
      console.log = original;
    }
    return lines.join('\n').trim();
  }

  it('mints a token for the tenant and scopes asked, verifiable with the dev secret', async () => {
    const token = await run('--tenant', 'acme', '--scopes', 'queries:read,temporal:read', '--subject', 'ann');
    const auth = await createVerifier({ hs256Secret: devSecret(dir) })(token);
    assert.deepEqual({ tenant: auth.tenant, subject: auth.subject, scopes: [...auth.scopes] }, { tenant: 'acme', subject: 'ann', scopes: ['queries:read', 'temporal:read'] });
  });

  it('refuses unknown scopes', async () => {
    await assert.rejects(run('--scopes', 'root'), /unknown scope\(s\) root/);
  });
});
