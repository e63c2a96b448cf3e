/** rememberVerified (runtime/http/server.ts): an HS256 token is checked once a minute, not per request, and never past its exp. */
import assert from 'node:assert/strict';
import { rememberVerified } from '../../runtime/http/server';
import { AuthenticationError, createVerifier, mintToken, type AuthContext } from '../../runtime/http/auth';
import { bearer, buildTestServer, TEST_SECRET, tokenFor } from './harness';

const tokenWith = (payload: object): string => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

function counting(fail = false) {
  const calls: string[] = [];
  const verify = async (token: string): Promise<AuthContext> => {
    calls.push(token);
    if (fail) throw new AuthenticationError('invalid token: bad signature');
    return { tenant: 'acme', scopes: new Set(['admin']), subject: token };
  };
  return { verify, calls };
}

describe('rememberVerified', () => {
  it('verifies a token once, then answers from memory for up to 60 s', async () => {
    let now = 1_000_000;
    const { verify, calls } = counting();
    const remembered = rememberVerified(verify, () => now);
    const token = tokenWith({ exp: now / 1000 + 3600 });
    const first = await remembered(token);
    assert.equal(await remembered(token), first);
    now += 59_000;
    await remembered(token);
    assert.equal(calls.length, 1);
    now += 2_000;
    await remembered(token);
    assert.equal(calls.length, 2, 'verified again after 60 s');
  });

  it('never answers from memory past the token exp, nor for a token without a readable payload', async () => {
    let now = 1_000_000;
    const { verify, calls } = counting();
    const remembered = rememberVerified(verify, () => now);
    const soon = tokenWith({ exp: now / 1000 + 10 });
    await remembered(soon);
    now += 11_000;
    await remembered(soon);
    assert.equal(calls.length, 2, 'expired in memory at exp; the verifier decides (clock tolerance) again');
    await remembered('not-a-jwt');
    await remembered('not-a-jwt');
    assert.equal(calls.length, 4);
  });

  it('never remembers a failure', async () => {
    const { verify, calls } = counting(true);
    const remembered = rememberVerified(verify);
    const token = tokenWith({ exp: Date.now() / 1000 + 3600 });
    await assert.rejects(remembered(token), AuthenticationError);
    await assert.rejects(remembered(token), AuthenticationError);
    assert.equal(calls.length, 2);
  });

  it('keeps at most 1,000 tokens', async () => {
    const { verify, calls } = counting();
    const remembered = rememberVerified(verify);
    const exp = Date.now() / 1000 + 3600;
    for (let i = 0; i <= 1_000; i++) await remembered(tokenWith({ exp, i }));
    await remembered(tokenWith({ exp, i: 0 }));
    assert.equal(calls.length, 1_002, 'the oldest token was dropped');
    await remembered(tokenWith({ exp, i: 1_000 }));
    assert.equal(calls.length, 1_002, 'the newest is still remembered');
  });

  it('real HS256 tokens through the server: a good one is accepted every time, an expired one is 401', async () => {
    const verify = rememberVerified(createVerifier({ hs256Secret: TEST_SECRET }));
    const expired = await mintToken(TEST_SECRET, { tenant: 'acme', expiresIn: Math.floor(Date.now() / 1000) - 120 });
    await assert.rejects(verify(expired), /expired/);
    const { app } = await buildTestServer();
    try {
      const good = await tokenFor({ scopes: ['queries:read'] });
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({ method: 'GET', url: '/streams/Order-1', headers: bearer(good) });
        assert.equal(res.statusCode, 404, res.body); // authenticated: the stream just does not exist
      }
      const res = await app.inject({ method: 'GET', url: '/streams/Order-1', headers: bearer(expired) });
      assert.equal(res.statusCode, 401);
    } finally {
      await app.close();
    }
  });
});
