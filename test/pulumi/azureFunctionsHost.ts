/**
 * Stands in for the Azure Functions Node.js worker when a test loads the Azure package's main:
 * the worker hands the code it runs a `@azure/functions-core` module, through which
 * @azure/functions registers each function (name, binding metadata, handler) for the host to
 * index. This writes such a module into a package's node_modules and records what the real
 * @azure/functions (bundled in the package) registers through it. No trigger ever fires here:
 * tests call the recorded handlers themselves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the host indexes for one function (toCoreFunctionMetadata in @azure/functions). */
export interface CoreFunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, Readonly<Record<string, unknown>> & { readonly type: string; readonly direction: string }>>;
  readonly retryOptions?: unknown;
}

export interface RegisteredFunction {
  readonly metadata: CoreFunctionMetadata;
  readonly handler: (...args: unknown[]) => Promise<unknown>;
}

interface CoreRecord {
  functions: RegisteredFunction[];
  model?: { name: string; version: string };
}

const KEY = '__nexusFakeFunctionsCore';

const SOURCE = `'use strict';
// Test double of the worker-provided module (see test/pulumi/azureFunctionsHost.ts).
const record = () => (globalThis.${KEY} ??= { functions: [] });
module.exports = {
  setProgrammingModel(model) { record().model = { name: model.name, version: model.version }; },
  registerFunction(metadata, handler) { record().functions.push({ metadata, handler }); return { dispose() {} }; },
  registerHook() { return { dispose() {} }; },
  log() {},
};
`;

/** Writes the stand-in `@azure/functions-core` into `<dir>/node_modules`. */
export function installFakeFunctionsCore(dir: string): void {
  const mod = path.join(dir, 'node_modules', '@azure', 'functions-core');
  fs.mkdirSync(mod, { recursive: true });
  fs.writeFileSync(path.join(mod, 'package.json'), `${JSON.stringify({ name: '@azure/functions-core', version: '0.0.0-test', main: 'index.js' })}\n`);
  fs.writeFileSync(path.join(mod, 'index.js'), SOURCE);
}

/** Forgets what was registered (before loading a main again). */
export function resetFakeFunctionsCore(): void {
  (globalThis as Record<string, unknown>)[KEY] = { functions: [] } satisfies CoreRecord;
}

/** What the loaded main registered in this process, by function name. */
export function registeredFunctions(): Map<string, RegisteredFunction> {
  const rec = (globalThis as Record<string, unknown>)[KEY] as CoreRecord | undefined;
  return new Map((rec?.functions ?? []).map((f) => [f.metadata.name, f]));
}

/** The programming model the loaded @azure/functions announced to the worker. */
export function programmingModel(): CoreRecord['model'] {
  return ((globalThis as Record<string, unknown>)[KEY] as CoreRecord | undefined)?.model;
}

/**
 * A script for a child process: loads `main` (the worker would) and prints the registered
 * metadata, the programming model, and whether a package outside the directory is reachable.
 */
export const INDEX_SCRIPT = `'use strict';
require(process.argv[2]);
let isolated = true;
try { require.resolve('better-sqlite3'); isolated = false; } catch {}
const rec = globalThis.${KEY} ?? { functions: [] };
process.stdout.write(JSON.stringify({ isolated, model: rec.model, functions: rec.functions.map((f) => f.metadata) }));
`;
