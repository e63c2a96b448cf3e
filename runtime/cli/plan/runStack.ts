/**
 * Run the Pulumi program (index.ts) offline under mocks for one stack's config, capturing the
 * resource graph and the stack outputs. Used by `nexus plan`, the tests and the bench. The
 * program is cleared from require.cache and required again per run, so several stacks can be
 * planned in one process (one at a time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { captureGraph, type PlannedResource } from './graph';
import { newMocks } from './mocks';

export interface StackPlan {
  readonly project: string;
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly PlannedResource[];
  /** Stack outputs (the program's exported Outputs, resolved). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface PlanOptions {
  readonly stack: string;
  /** Raw config (`nexus:cloud` → value); default: read from Pulumi.<stack>.yaml in `root`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Repository root holding Pulumi.yaml and index.ts; default: found upwards from this file. */
  readonly root?: string;
  /** Program file; default `<root>/index.ts`. */
  readonly program?: string;
  /**
   * Keep JavaScript stack traces while the program runs; default false: the SDK captures a stack
   * per resource, and Error.stackTraceLimit = 0 roughly halves construction time (errors keep
   * their messages). Restored afterwards.
   */
  readonly stackTraces?: boolean;
}

export function findRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'Pulumi.yaml'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no Pulumi.yaml found above ${from}`);
    dir = up;
  }
  return dir;
}

/** Config as the Pulumi CLI hands it to a program: every value a string, lists/maps as JSON. */
export function toPulumiConfig(raw: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export function readStackConfig(root: string, stack: string): Record<string, unknown> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const stacks = fs.readdirSync(root).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean);
    throw new Error(`stack "${stack}": ${file} not found; stacks here: ${stacks.join(', ') || 'none'}`);
  }
  const doc = (parse(fs.readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  return doc.config ?? {};
}

export function projectName(root: string): string {
  const doc = parse(fs.readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) as { name?: string };
  if (!doc.name) throw new Error(`${root}/Pulumi.yaml has no name`);
  return doc.name;
}

function settle(o: pulumi.Output<unknown>): Promise<unknown> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

let running = false;

export async function planStack(options: PlanOptions): Promise<StackPlan> {
  if (running) throw new Error('planStack: one plan at a time per process (Pulumi runtime state is global)');
  running = true;
  const limit = Error.stackTraceLimit;
  if (!options.stackTraces) Error.stackTraceLimit = 0;
  try {
    const root = options.root ?? findRoot();
    const project = projectName(root);
    const config = toPulumiConfig(options.config ?? readStackConfig(root, options.stack));
    await pulumi.runtime.setMocks(newMocks(), project, options.stack, false);
    if (pulumi.getProject() !== project || pulumi.getStack() !== options.stack) {
      throw new Error(`mocks not active: project/stack are ${pulumi.getProject()}/${pulumi.getStack()}`);
    }
    pulumi.runtime.setAllConfig(config);
    const resources = captureGraph();
    const program = require.resolve(options.program ?? path.join(root, 'index.ts'));
    delete require.cache[program];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(program) as Record<string, unknown>;
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(exports)) {
      if (pulumi.Output.isInstance(v)) outputs[k] = await settle(v);
      else if (typeof v !== 'function') outputs[k] = v;
    }
    await waitForRegistrations();
    return { project, stack: options.stack, config, resources, outputs };
  } finally {
    Error.stackTraceLimit = limit;
    running = false;
  }
}

/** Wait until the runtime has no registration in flight (internal SDK helper, present in 3.x). */
async function waitForRegistrations(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs?: () => Promise<void> };
  if (settings.waitForRPCs) await settings.waitForRPCs();
}
