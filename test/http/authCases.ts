/**
 * Reusable auth specification for any route: call `describeRouteAuth` from a route's test file
 * with a server factory and the route (method, url, required scopes, a valid body) and it adds
 * the 401 cases (missing, malformed header, not a JWT, bad signature, expired) and the 403
 * cases (each required scope missing, tenant header mismatch), plus "a full token is not 401/403".
 *
 *   describeRouteAuth(() => buildTestServer(), { method: 'GET', url: '/projections/x/query', scopes: ['queries:read'] });
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { SCOPES } from '../../runtime/http/auth';
import { TEST_SECRET, bearer, tokenFor } from './harness';

export interface RouteUnderTest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly url: string;
  /** Scopes the route requires; [] means any valid token. */
  readonly scopes: readonly string[];
  readonly body?: unknown;
  /** Tenant the route acts for when called with the default token (acme). */
  readonly tenant?: string;
}

export function describeRouteAuth(server: () => Promise<{ app: FastifyInstance }>, route: RouteUnderTest): void {
  describe(`auth: ${route.method} ${route.url}`, () => {
    let app: FastifyInstance;
    before(async () => {
      ({ app } = await server());
    });
    after(async () => {
      await app.close();
    });
    const call = (headers: Record<string, string>) =>
      app.inject({ method: route.method, url: route.url, headers, ...(route.body !== undefined ? { payload: route.body as object } : {}) });
    const expectCode = async (headers: Record<string, string>, status: number, code: string): Promise<void> => {
      const res = await call(headers);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json<{ code: string }>().code, code);
    };

    it('401 without a token', async () => {
      const res = await call({});
      assert.equal(res.statusCode, 401, res.body);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });
    it('401 with a malformed Authorization header', () => expectCode({ authorization: 'Token abc' }, 401, 'UNAUTHENTICATED'));
    it('401 with a token that is not a JWT', () => expectCode(bearer('not.a.jwt'), 401, 'UNAUTHENTICATED'));
    it('401 with a token signed by another key', async () =>
      expectCode(bearer(await tokenFor({}, 'another-secret-of-at-least-32-bytes!!!')), 401, 'UNAUTHENTICATED'));
    it('401 with an expired token', async () => {
      const res = await call(bearer(await tokenFor({ expiresIn: Math.floor(Date.now() / 1000) - 120 })));
      assert.equal(res.statusCode, 401);
      assert.match(res.json<{ message: string }>().message, /expired/);
    });
    for (const scope of route.scopes) {
      it(`403 without scope ${scope}`, async () => {
        const others = SCOPES.filter((s) => s !== scope && s !== 'admin');
        const res = await call(bearer(await tokenFor({ scopes: others })));
        assert.equal(res.statusCode, 403, res.body);
        assert.match(res.json<{ message: string }>().message, new RegExp(scope));
      });
    }
    it('403 when the request names another tenant than the token', async () =>
      expectCode({ ...bearer(await tokenFor({ tenant: route.tenant ?? 'acme' })), 'x-nexus-tenant': 'someone-else' }, 403, 'FORBIDDEN'));
    it('passes auth with exactly the required scopes', async () => {
      const res = await call(bearer(await tokenFor({ tenant: route.tenant ?? 'acme', scopes: [...route.scopes] })));
      assert.ok(res.statusCode !== 401 && res.statusCode !== 403, `got ${res.statusCode}: ${res.body}`);
    });
  });
}

export { TEST_SECRET };
