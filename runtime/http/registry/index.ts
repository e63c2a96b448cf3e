/**
 * The registry API for the main server: `buildServer({ plugins: [registryApiPlugin(registry)] })`
 * mounts the Confluent-compatible API under `/registry` (REGISTRY_PREFIX).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { SchemaRegistry } from '../../ports/SchemaRegistry';
import { confluentRegistryPlugin, REGISTRY_PREFIX } from './plugin';

export { confluentRegistryPlugin, REGISTRY_PREFIX } from './plugin';
export { buildRegistryServer, startRegistryServer } from './server';
export { CONFLUENT_CONTENT_TYPE } from './confluentErrors';

export function registryApiPlugin(registry: SchemaRegistry, prefix = REGISTRY_PREFIX): FastifyPluginAsync {
  return async (app) => {
    await app.register(confluentRegistryPlugin, { registry, prefix });
  };
}
