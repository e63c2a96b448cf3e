/**
 * Runs the Pulumi program (index.ts) offline under `pulumi.runtime.setMocks` with one stack's
 * config, and records every resource the program registers (type, name, inputs, parent) plus the
 * stack outputs. Used by the GCP and Azure provider specs; `state` lets each spec return the
 * realistic computed outputs of its cloud's resources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');

/** Resource inputs as the mock monitor sees them: untyped JSON that specs navigate freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Inputs = Record<string, any>;

export interface Recorded {
  readonly type: string;
  readonly name: string;
  /** The id the mock gave the resource (what other resources receive as `<resource>.id`). */
  readonly id: string;
  readonly inputs: Inputs;
}

export interface ProgramRun {
  readonly resources: Recorded[];
  readonly outputs: Record<string, unknown>;
  readonly project: string;
  readonly stack: string;
  ofType(type: string): Recorded[];
  one(type: string, nameSuffix: string): Recorded;
}

export interface CloudMocks {
  /** Extra computed state per resource (merged over the inputs). */
  state(type: string, name: string, inputs: Inputs): Record<string, unknown>;
  /** Result of a provider function call (invoke). */
  call(token: string, inputs: Inputs): Record<string, unknown>;
  id(type: string, name: string, inputs: Inputs): string;
}

/** Stack config from Pulumi.<stack>.yaml as the engine hands it over (strings; lists as JSON). */
export function stackConfig(stack: string, overrides: Record<string, string> = {}): Record<string, string> {
  const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { config?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.config ?? {})) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { ...out, ...overrides };
}

function unwrap(o: pulumi.Output<unknown>): Promise<unknown> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

/** Run index.ts for `stack` (project "nexus") and resolve once every output has settled. */
export async function runProgram(stack: string, mocks: CloudMocks, overrides: Record<string, string> = {}): Promise<ProgramRun> {
  const resources: Recorded[] = [];
  const project = 'nexus';
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      const id = mocks.id(args.type, args.name, args.inputs);
      resources.push({ type: args.type, name: args.name, id, inputs: args.inputs });
      return { id, state: { ...args.inputs, ...mocks.state(args.type, args.name, args.inputs) } };
    },
    call: (args) => mocks.call(args.token, args.inputs),
  }, project, stack, false);
  pulumi.runtime.setAllConfig(stackConfig(stack, overrides));
  const entry = require.resolve(path.join(ROOT, 'index.ts'));
  delete require.cache[entry];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(entry) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(program)) {
    if (pulumi.Output.isInstance(v)) outputs[k] = await unwrap(v);
    else if (typeof v !== 'function') outputs[k] = v;
  }
  return {
    resources, outputs, project: pulumi.getProject(), stack: pulumi.getStack(),
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, suffix) {
      const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
      if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.length}: ${resources.filter((r) => r.type === type).map((r) => r.name).join(', ')}`);
      return found[0]!;
    },
  };
}
