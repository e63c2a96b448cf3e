/**
 * The Pulumi program: decode the `nexus:*` stack config ONCE, read `schemas/` as data, build one
 * NexusPlatform on the configured cloud, and export its deploy → runtime `manifest`.
 * `pulumi up` runs this file; `nexus plan` and the tests run it under mocks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError, decodeConfig } from './components/config';
import { NexusPlatform } from './components/nexusPlatform';
import { schemaDefinitions } from './components/schemaFiles';
import { loadSchemaDir } from './runtime/core/schema/schemaFiles';
import type { SchemaDefinition } from './components/args';

export { decodeConfig };

/** Every schema version under `dir` (governance's loader checks names, versions and modes); [] without the directory. */
export function readSchemas(dir: string): SchemaDefinition[] {
  return fs.existsSync(dir) ? schemaDefinitions(loadSchemaDir(dir)) : [];
}

/** Non-critical routing may only name event types that have a schema. */
export function checkRouting(noncritical: readonly string[], schemas: readonly SchemaDefinition[]): void {
  const known = new Set(schemas.map((s) => s.subject));
  const unknown = noncritical.filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw new ConfigError('nexus:noncriticalEventTypes', `${unknown.join(', ')} has no schema in schemas/; allowed values: ${[...known].sort().join(', ')}`);
  }
}

const config = decodeConfig(pulumi.runtime.allConfig());
const schemas = readSchemas(path.join(__dirname, 'schemas'));
checkRouting(config.noncriticalEventTypes, schemas);
// The stack name is part of every physical name, so two stacks can share an account/project.
const platform = new NexusPlatform(`nexus-${pulumi.getStack()}`, {
  config,
  schemas,
});

export const cloud = config.cloud;
export const manifest = platform.manifest;
export const apiUrl = platform.apiUrl;
export const dashboardUrl = platform.dashboardUrl;
