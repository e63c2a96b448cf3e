/**
 * Runs a CrossGuard policy pack over a planned stack the way `pulumi preview --policy-pack` does
 * (ADR 0091): start the pack as a child process (cwd = the pack, so it reads its package.json),
 * read the gRPC port it prints, then drive its Analyzer service with the stubs that ship in
 * @pulumi/pulumi/proto: GetAnalyzerInfo, Configure (per-policy enforcement level and config,
 * schema defaults filled in as the CLI does), ConfigureStack, Analyze for every resource and
 * AnalyzeStack once for the stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as analyzerPb from '@pulumi/pulumi/proto/analyzer_pb';
import type { PlannedResource } from './graph';
import type { StackPlan } from './runStack';
import { toAnalyzerResource, toAnalyzeRequest, toStruct } from './policyRequests';

export type EnforcementLevel = 'advisory' | 'mandatory' | 'remediate' | 'disabled';
const LEVELS: readonly EnforcementLevel[] = ['advisory', 'mandatory', 'remediate', 'disabled'];

/** Per-policy config as in `--policy-pack-config`: a level, or an object with enforcementLevel + properties. */
export type PolicyPackConfig = Readonly<Record<string, EnforcementLevel | (Readonly<Record<string, unknown>> & { enforcementLevel?: EnforcementLevel })>>;

export interface PolicyRunOptions {
  /** Directory holding PulumiPolicy.yaml, package.json and index.ts; default `<root>/policies`. */
  readonly packDir: string;
  readonly config?: PolicyPackConfig;
  /** Run every policy as mandatory (overrides config levels except `disabled`). */
  readonly allMandatory?: boolean;
  /**
   * 'tsx' (default): load the TypeScript pack with tsx (seconds). 'pulumi': the CLI's own loader,
   * `@pulumi/pulumi/cmd/run-policy-pack` with ts-node type-checking (~40 s here).
   */
  readonly loader?: 'tsx' | 'pulumi';
  readonly stackTags?: Readonly<Record<string, string>>;
}

export interface PolicyViolation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly message: string;
  readonly urn?: string;
  readonly resourceName?: string;
  readonly resourceType?: string;
}

export interface PolicyInfo { readonly name: string; readonly description: string; readonly enforcementLevel: EnforcementLevel; readonly configSchema?: Record<string, unknown> }

export interface PolicyRunResult {
  readonly pack: { readonly name: string; readonly version: string };
  readonly policies: readonly PolicyInfo[];
  readonly violations: readonly PolicyViolation[];
  readonly notApplicable: readonly { policy: string; reason: string }[];
  /** Resources sent to Analyze (every resource of the plan). */
  readonly analyzed: number;
}

const pulumiRequire = createRequire(require.resolve('@pulumi/pulumi/package.json'));
/* eslint-disable @typescript-eslint/no-require-imports */
const pb = require('@pulumi/pulumi/proto/analyzer_pb') as typeof analyzerPb;
const grpcPb = require('@pulumi/pulumi/proto/analyzer_grpc_pb') as { AnalyzerClient: new (address: string, creds: unknown) => AnalyzerClient };
/* eslint-enable @typescript-eslint/no-require-imports */
const grpc = pulumiRequire('@grpc/grpc-js') as { credentials: { createInsecure(): unknown } };
const emptyPb = pulumiRequire('google-protobuf/google/protobuf/empty_pb.js') as { Empty: new () => unknown };

type Unary<Req, Res> = (req: Req, cb: (err: Error | null, res: Res) => void) => void;
interface AnalyzerClient {
  getAnalyzerInfo: Unary<unknown, analyzerPb.AnalyzerInfo>;
  configure: Unary<analyzerPb.ConfigureAnalyzerRequest, unknown>;
  configureStack: Unary<analyzerPb.AnalyzerStackConfigureRequest, unknown>;
  analyze: Unary<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>;
  analyzeStack: Unary<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>;
  close(): void;
}

function call<Req, Res>(client: AnalyzerClient, method: Unary<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

const levelName = (n: number): EnforcementLevel => LEVELS[n] ?? 'advisory';
const levelNumber = (l: EnforcementLevel): number => LEVELS.indexOf(l);

/** Starts the pack and resolves with its port; rejects with the pack's stderr if it exits first. */
function startPack(options: PolicyRunOptions): Promise<{ child: ChildProcess; port: number }> {
  const args = options.loader === 'pulumi'
    ? [require.resolve('@pulumi/pulumi/cmd/run-policy-pack'), '127.0.0.1:0', '.']
    : ['--import', 'tsx', 'index.ts'];
  const child = spawn(process.execPath, ['--stack-trace-limit=20', ...args], { cwd: options.packDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`policy pack in ${options.packDir} exited with code ${String(code)} before printing its port:\n${err || out}`)));
  });
}

function stopPack(child: ChildProcess): void {
  try { if (child.pid) process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
}

/** Policy config as the CLI sends it: the schema's defaults overlaid with the user's values. */
export function buildPolicyConfig(policies: readonly PolicyInfo[], options: Pick<PolicyRunOptions, 'config' | 'allMandatory'>): Map<string, { level: EnforcementLevel; properties: Record<string, unknown> }> {
  const out = new Map<string, { level: EnforcementLevel; properties: Record<string, unknown> }>();
  for (const p of policies) {
    const given = options.config?.[p.name];
    const { enforcementLevel: givenLevel, ...givenProps } = typeof given === 'string' ? { enforcementLevel: given } : given ?? {};
    const defaults: Record<string, unknown> = {};
    const props = (p.configSchema?.['properties'] ?? {}) as Record<string, { default?: unknown }>;
    for (const [k, s] of Object.entries(props)) if (s.default !== undefined) defaults[k] = s.default;
    let level = givenLevel ?? p.enforcementLevel;
    if (options.allMandatory && level !== 'disabled') level = 'mandatory';
    out.set(p.name, { level, properties: { ...defaults, ...givenProps } });
  }
  return out;
}

/** Diagnostics of one response; a resource policy's diagnostic names no URN: it is the analyzed resource's (as in the CLI). */
function readDiagnostics(
  res: analyzerPb.AnalyzeResponse, byUrn: ReadonlyMap<string, PlannedResource>, out: PolicyViolation[], na: { policy: string; reason: string }[], analyzedUrn?: string,
): void {
  for (const d of res.getDiagnosticsList()) {
    const urn = d.getUrn() || analyzedUrn;
    const r = urn ? byUrn.get(urn) : undefined;
    out.push({
      policy: d.getPolicyname(), level: levelName(d.getEnforcementlevel()), message: d.getMessage(),
      ...(urn ? { urn } : {}), ...(r ? { resourceName: r.name, resourceType: r.type } : {}),
    });
  }
  for (const n of res.getNotApplicableList()) na.push({ policy: n.getPolicyName(), reason: n.getReason() });
}

export async function runPolicyPack(plan: StackPlan, options: PolicyRunOptions): Promise<PolicyRunResult> {
  const { child, port } = await startPack(options);
  const client = new grpcPb.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const info = await call(client, client.getAnalyzerInfo, new emptyPb.Empty());
    const policies: PolicyInfo[] = info.getPoliciesList().map((p) => {
      const schema = p.getConfigschema()?.getProperties()?.toJavaScript();
      return { name: p.getName(), description: p.getDescription(), enforcementLevel: levelName(p.getEnforcementlevel()), ...(schema ? { configSchema: { properties: schema } } : {}) };
    });
    const configure = new pb.ConfigureAnalyzerRequest();
    for (const [name, c] of buildPolicyConfig(policies, options)) {
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(levelNumber(c.level));
      pc.setProperties(toStruct(c.properties));
      configure.getPolicyconfigMap().set(name, pc);
    }
    await call(client, client.configure, configure);
    const stackReq = new pb.AnalyzerStackConfigureRequest();
    stackReq.setStack(plan.stack);
    stackReq.setProject(plan.project);
    stackReq.setDryRun(true);
    for (const [k, v] of Object.entries(options.stackTags ?? {})) stackReq.getTagsMap().set(k, v);
    await call(client, client.configureStack, stackReq);

    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const violations: PolicyViolation[] = [];
    const notApplicable: { policy: string; reason: string }[] = [];
    for (const r of plan.resources) readDiagnostics(await call(client, client.analyze, toAnalyzeRequest(r)), byUrn, violations, notApplicable, r.urn);
    const stack = new pb.AnalyzeStackRequest();
    stack.setResourcesList(plan.resources.map(toAnalyzerResource));
    readDiagnostics(await call(client, client.analyzeStack, stack), byUrn, violations, notApplicable);
    return { pack: { name: info.getName(), version: info.getVersion() }, policies, violations, notApplicable: dedupe(notApplicable), analyzed: plan.resources.length };
  } finally {
    client.close();
    stopPack(child);
  }
}

function dedupe(items: readonly { policy: string; reason: string }[]): { policy: string; reason: string }[] {
  const seen = new Map(items.map((i) => [`${i.policy}\u0000${i.reason}`, i]));
  return [...seen.values()];
}

export const defaultPackDir = (root: string): string => path.join(root, 'policies');
