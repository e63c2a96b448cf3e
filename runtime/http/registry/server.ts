/**
 * The registry on its own: a Fastify server exposing only the Confluent-compatible API at `/`
 * (what Kafka tooling expects), used by `nexus registry serve` and the tests. No auth: bind it
 * to localhost or put it behind the platform's gateway.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { SchemaRegistry } from '../../ports/SchemaRegistry';
import { confluentRegistryPlugin } from './plugin';

export interface RegistryServerOptions {
  readonly registry: SchemaRegistry;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly logger?: boolean;
}

export async function buildRegistryServer(options: { registry: SchemaRegistry; logger?: boolean; prefix?: string }): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  await app.register(confluentRegistryPlugin, { registry: options.registry, prefix: options.prefix ?? '' });
  return app;
}

/** Starts listening; resolves with the app and its base URL. */
export async function startRegistryServer(options: RegistryServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildRegistryServer(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { app, url: `http://${host}:${port}` };
}
