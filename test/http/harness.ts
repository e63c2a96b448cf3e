/**
 * Test harness for HTTP routes: an API server over in-memory stores with the Orders domain and a
 * free-text `Note` aggregate (to reach the event size limit), plus HS256 tokens for any tenant
 * and scopes. Other areas' route tests can reuse `buildTestServer({ plugins: [...] })` and `tokenFor`.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { mintToken, SCOPES, type MintOptions } from '../../runtime/http/auth';
import { buildServer } from '../../runtime/http/server';
import { type Decider, type DomainCommand, type DomainEvent } from '../../runtime/core/aggregate';
import type { EventPipeline } from '../../runtime/core/pipeline';
import { orderDecider } from '../../examples/orders';
import { coreFixture } from '../core/fixtures';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** A token for `tenant` (default acme) with `scopes` (default all four). */
export function tokenFor(options: Partial<MintOptions> = {}, secret = TEST_SECRET): Promise<string> {
  return mintToken(secret, { tenant: 'acme', scopes: [...SCOPES], subject: 'tester', ...options });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

type NoteCommand = DomainCommand<'WriteNote', { text: string }>;
type NoteEvent = DomainEvent<'NoteWritten', { text: string }>;
/** A minimal aggregate whose event size the client controls. */
export const noteDecider: Decider<NoteCommand, NoteEvent, { notes: number }> = {
  aggregateType: 'Note',
  initialState: { notes: 0 },
  decide: (c) => [{ type: 'NoteWritten', data: { text: c.payload.text } }],
  evolve: (s) => ({ notes: s.notes + 1 }),
  stateVersion: 1,
  eventTypes: ['NoteWritten'],
  commands: { WriteNote: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string' } } } },
};

export interface TestServer {
  readonly app: FastifyInstance;
  readonly fx: ReturnType<typeof coreFixture>;
  /** Every event in the store (all tenants): tests assert that bad requests stored nothing. */
  allEvents(): Promise<number>;
}

export async function buildTestServer(options: { plugins?: FastifyPluginAsync[]; pipeline?: EventPipeline; bodyLimit?: number } = {}): Promise<TestServer> {
  const fx = coreFixture({ deciders: [orderDecider, noteDecider], handler: options.pipeline ? { pipeline: options.pipeline } : {} });
  const app = buildServer({
    eventStore: fx.eventStore,
    aggregates: fx.aggregates,
    commands: fx.handler,
    pipeline: options.pipeline,
    snapshotter: fx.snapshotter,
    auth: { hs256Secret: TEST_SECRET },
    plugins: options.plugins,
    bodyLimit: options.bodyLimit,
  });
  await app.ready();
  return {
    app,
    fx,
    allEvents: async () => (await fx.eventStore.readAll({ limit: 10_000 })).events.length,
  };
}
