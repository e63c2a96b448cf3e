/**
 * The Pulumi program: decode the `nexus:*` stack config ONCE, read `schemas/` as data, build one
 * NexusPlatform on the configured cloud, and export its deploy → runtime `manifest`.
 * `pulumi up` runs this file; `nexus plan` and the tests run it under mocks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { decodeConfig } from './components/config';
import { NexusPlatform } from './components/nexusPlatform';
import { schemaFromFile } from './components/schemaFiles';
import type { SchemaDefinition } from './components/args';

export { decodeConfig };

/** Every `.avsc` under `dir` (recursively), as SchemaDefinitions; [] when the directory is absent. */
export function readSchemas(dir: string): SchemaDefinition[] {
  if (!fs.existsSync(dir)) return [];
  const files = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.avsc'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  return files.map((f) => schemaFromFile(`schemas/${f}`, fs.readFileSync(path.join(dir, f), 'utf8')));
}

const config = decodeConfig(pulumi.runtime.allConfig());
// The stack name is part of every physical name, so two stacks can share an account/project.
const platform = new NexusPlatform(`nexus-${pulumi.getStack()}`, {
  config,
  schemas: readSchemas(path.join(__dirname, 'schemas')),
});

export const cloud = config.cloud;
export const manifest = platform.manifest;
export const apiUrl = platform.apiUrl;
export const dashboardUrl = platform.dashboardUrl;
