/**
 * JWT bearer authentication and authorization for the whole API (ADR 0013).
 * Tokens are verified with jose against an HS256 secret or a JWKS URL from config. Claims:
 * `sub`, `tenant` (required: every read and write is scoped to it) and `scope` (space-separated,
 * OAuth 2 style) or `scopes` (array). Routes are default-deny: every route needs a valid token
 * unless it sets `config: { public: true }`; `config: { scopes: [...] }` lists required scopes.
 * 401: missing, malformed, badly signed or expired token. 403: missing scope or wrong tenant.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { NexusError, hasCode } from '../ports/errors';

export const SCOPES = ['commands:write', 'queries:read', 'temporal:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AuthContext {
  readonly tenant: string;
  readonly scopes: ReadonlySet<string>;
  readonly subject: string;
}

export interface AuthConfig {
  /** HS256 shared secret (at least 32 bytes). Exactly one of hs256Secret / jwksUrl. */
  readonly hs256Secret?: string;
  /** JWKS endpoint for asymmetric keys (RS256, ES256, EdDSA, ...). */
  readonly jwksUrl?: string;
  /** Expected `iss`, when set. */
  readonly issuer?: string;
  /** Expected `aud`, when set. */
  readonly audience?: string;
  /** Allowed clock skew in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
}

/** Route options read by the auth hook (`config` of a Fastify route). */
export interface RouteAuthConfig {
  /** No token needed (health, readiness). */
  readonly public?: boolean;
  /** Every listed scope is required (`admin` satisfies any). */
  readonly scopes?: readonly Scope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route. */
    auth: AuthContext;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the auth options into route config
  interface FastifyContextConfig extends RouteAuthConfig {}
}

export class AuthenticationError extends NexusError {
  readonly code = 'UNAUTHENTICATED' as const;
  readonly httpStatus = 401;
}
export const isAuthenticationError = (e: unknown): e is AuthenticationError => hasCode(e, 'UNAUTHENTICATED');

export class ForbiddenError extends NexusError {
  readonly code = 'FORBIDDEN' as const;
  readonly httpStatus = 403;
}
export const isForbiddenError = (e: unknown): e is ForbiddenError => hasCode(e, 'FORBIDDEN');

type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
let josePromise: Promise<Jose> | undefined;
/** jose is ESM-only; load it once through dynamic import (works from CommonJS on Node 20+). */
export function loadJose(): Promise<Jose> {
  return (josePromise ??= import('jose'));
}

export type TokenVerifier = (token: string) => Promise<AuthContext>;

export function checkAuthConfig(config: AuthConfig): void {
  if (!!config.hs256Secret === !!config.jwksUrl) throw new Error('auth config: set exactly one of hs256Secret or jwksUrl');
  if (config.hs256Secret && Buffer.byteLength(config.hs256Secret) < 32) throw new Error('auth config: hs256Secret must be at least 32 bytes');
  if (config.jwksUrl) new URL(config.jwksUrl);
}

export function createVerifier(config: AuthConfig): TokenVerifier {
  checkAuthConfig(config);
  let keyPromise: Promise<Parameters<Jose['jwtVerify']>[1]> | undefined;
  const key = (): Promise<Parameters<Jose['jwtVerify']>[1]> =>
    (keyPromise ??= loadJose().then((jose) =>
      config.hs256Secret ? new TextEncoder().encode(config.hs256Secret) : jose.createRemoteJWKSet(new URL(config.jwksUrl!))));
  return async (token) => {
    const jose = await loadJose();
    let payload: JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(token, await key() as Uint8Array, {
        algorithms: config.hs256Secret ? ['HS256'] : undefined,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds ?? 30,
      }));
    } catch (err) {
      if (hasCode(err, 'ERR_JWT_EXPIRED')) throw new AuthenticationError('token expired', { cause: err });
      if (hasCode(err, 'ERR_JWKS_TIMEOUT') || hasCode(err, 'ERR_JOSE_GENERIC')) throw new AuthenticationError('token could not be verified: key set unavailable', { cause: err });
      throw new AuthenticationError(`invalid token: ${err instanceof Error ? err.message : 'verification failed'}`, { cause: err });
    }
    const tenant = payload.tenant;
    if (typeof tenant !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.@=+-]{0,99}$/.test(tenant)) {
      throw new AuthenticationError('invalid token: the "tenant" claim is missing or not a valid tenant id');
    }
    const scopes = new Set<string>(
      typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean)
        : Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [],
    );
    return { tenant, scopes, subject: typeof payload.sub === 'string' ? payload.sub : 'anonymous' };
  };
}

/** Throws ForbiddenError unless the request holds every scope (`admin` holds them all). */
export function requireScopes(auth: AuthContext, scopes: readonly string[]): void {
  if (auth.scopes.has('admin')) return;
  const missing = scopes.filter((s) => !auth.scopes.has(s));
  if (missing.length > 0) throw new ForbiddenError(`token lacks scope ${missing.join(', ')} (has: ${[...auth.scopes].join(' ') || 'none'})`);
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AuthenticationError('Authorization header must be "Bearer <token>"');
    return m[1];
  }
  // Browsers cannot set headers on a WebSocket upgrade: accept ?access_token= there only.
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const q = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof q === 'string' && q.length > 0) return q;
  }
  return undefined;
}

/** Installs the default-deny auth hook on an instance (call before registering routes). */
export function installAuth(app: FastifyInstance, verify: TokenVerifier): void {
  app.decorateRequest('auth', null as unknown as AuthContext);
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config?.public) return;
    const token = bearer(request);
    if (!token) {
      void reply.header('www-authenticate', 'Bearer realm="nexus"');
      throw new AuthenticationError('missing bearer token (Authorization: Bearer <token>)');
    }
    const auth = await verify(token).catch((err: unknown) => {
      void reply.header('www-authenticate', 'Bearer realm="nexus", error="invalid_token"');
      throw err;
    });
    // A client may state the tenant it means to act on; a mismatch is refused, never rewritten.
    const claimed = request.headers['x-nexus-tenant'];
    if (claimed !== undefined && claimed !== auth.tenant) {
      throw new ForbiddenError(`token is for tenant ${auth.tenant}, request is for tenant ${String(claimed)}`);
    }
    requireScopes(auth, config?.scopes ?? []);
    request.auth = auth;
  });
}

export interface MintOptions {
  readonly tenant: string;
  readonly scopes?: readonly string[];
  readonly subject?: string;
  /** jose time span ("12h", "15m") or seconds since epoch; default "12h". */
  readonly expiresIn?: string | number;
  readonly issuer?: string;
  readonly audience?: string;
}

/** Mints an HS256 token (development and tests). */
export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const jose = await loadJose();
  let jwt = new jose.SignJWT({ tenant: options.tenant, scope: (options.scopes ?? SCOPES).join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject ?? 'dev')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** A fresh random HS256 secret (base64url, 32 bytes). */
export function newDevSecret(): string {
  return randomBytes(32).toString('base64url');
}
