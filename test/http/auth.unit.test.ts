/** The token verifier and scope rules: claims, scopes, issuer/audience, config checks, JWKS keys. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError, ForbiddenError, checkAuthConfig, createVerifier, loadJose, mintToken, newDevSecret, requireScopes,
} from '../../runtime/http/auth';
import { TEST_SECRET } from './harness';

const verify = createVerifier({ hs256Secret: TEST_SECRET });

describe('JWT verification', () => {
  it('yields tenant, scopes and subject from a valid token', async () => {
    const auth = await verify(await mintToken(TEST_SECRET, { tenant: 'acme', scopes: ['queries:read'], subject: 'u-1' }));
    assert.deepEqual({ ...auth, scopes: [...auth.scopes] }, { tenant: 'acme', scopes: ['queries:read'], subject: 'u-1' });
  });

  it('accepts scopes as an array claim too', async () => {
    const jose = await loadJose();
    const token = await new jose.SignJWT({ tenant: 'acme', scopes: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_SECRET));
    assert.deepEqual([...(await verify(token)).scopes], ['admin']);
  });

  it('401 for a token without a tenant claim or with an invalid tenant', async () => {
    const jose = await loadJose();
    for (const claims of [{ scope: 'admin' }, { tenant: 'a:b', scope: 'admin' }]) {
      const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(TEST_SECRET));
      await assert.rejects(verify(token), (e: unknown) => e instanceof AuthenticationError && /tenant/.test(e.message));
    }
  });

  it('401 for an unsecured (alg "none") token', async () => {
    const jose = await loadJose();
    const unsecured = new jose.UnsecuredJWT({ tenant: 'acme', scope: 'admin' }).setExpirationTime('1h').encode();
    await assert.rejects(verify(unsecured), AuthenticationError);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createVerifier({ hs256Secret: TEST_SECRET, issuer: 'https://id.example', audience: 'nexus' });
    await assert.rejects(strict(await mintToken(TEST_SECRET, { tenant: 'acme' })), AuthenticationError);
    const ok = await strict(await mintToken(TEST_SECRET, { tenant: 'acme', issuer: 'https://id.example', audience: 'nexus' }));
    assert.equal(ok.tenant, 'acme');
  });

  it('401 "token expired" beyond the clock tolerance', async () => {
    const token = await mintToken(TEST_SECRET, { tenant: 'acme', expiresIn: Math.floor(Date.now() / 1000) - 60 });
    await assert.rejects(verify(token), /token expired/);
  });

  it('admin satisfies every scope; others must all be present', () => {
    requireScopes({ tenant: 't', subject: 's', scopes: new Set(['admin']) }, ['commands:write', 'temporal:read']);
    assert.throws(() => requireScopes({ tenant: 't', subject: 's', scopes: new Set(['queries:read']) }, ['queries:read', 'temporal:read']), ForbiddenError);
  });

  it('refuses unusable configs', () => {
    assert.throws(() => checkAuthConfig({}), /exactly one/);
    assert.throws(() => checkAuthConfig({ hs256Secret: 'short' }), /32 bytes/);
    assert.throws(() => checkAuthConfig({ hs256Secret: newDevSecret(), jwksUrl: 'https://x/jwks' }), /exactly one/);
    checkAuthConfig({ hs256Secret: newDevSecret() });
  });

  describe('with a JWKS URL', () => {
    let server: Server;
    let url: string;
    let sign: (claims: Record<string, unknown>) => Promise<string>;
    before(async () => {
      const jose = await loadJose();
      const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
      const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
      sign = (claims) => new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime('1h').sign(privateKey);
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('verifies tokens signed with a key from the set, and rejects an HS256 token', async () => {
      const v = createVerifier({ jwksUrl: url });
      assert.equal((await v(await sign({ tenant: 'acme', scope: 'queries:read' }))).tenant, 'acme');
      await assert.rejects(v(await mintToken(TEST_SECRET, { tenant: 'acme' })), AuthenticationError);
    });
  });
});
