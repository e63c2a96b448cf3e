/**
 * How the read-side commands (`nexus projections`, `nexus dlq`) reach a stack: `--manifest
 * <file.json>` (any cloud, validated) or the local stack under `--dir` (default .nexus).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createRuntime, type RuntimeAdapters } from '../../createRuntime';
import { localManifest, type NexusManifest } from '../../manifest';
import { parseManifest } from '../../manifestValidation';

export interface StackOptions {
  readonly manifest?: string;
  readonly dir?: string;
}

export function stackOptions(cmd: Command): Command {
  return cmd
    .option('--manifest <file>', 'manifest JSON of the stack (default: the local stack)')
    .option('--dir <dir>', 'state directory of the local stack', '.nexus');
}

export function manifestOf(options: StackOptions): NexusManifest {
  if (options.manifest) return parseManifest(JSON.parse(readFileSync(options.manifest, 'utf8')) as unknown);
  return localManifest(options.dir ?? '.nexus');
}

export async function withRuntime<T>(options: StackOptions, fn: (rt: RuntimeAdapters) => Promise<T>): Promise<T> {
  const rt = await createRuntime(manifestOf(options));
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
