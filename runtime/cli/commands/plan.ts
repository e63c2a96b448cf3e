/**
 * `nexus plan --stack <name> [--json|--mermaid]`: runs the Pulumi program offline under mocks
 * for Pulumi.<stack>.yaml and prints the planned graph — a per-component summary, the count per
 * resource type and the manifest (validated against runtime/manifest.schema.json). The offline
 * rehearsal for CI without cloud credentials. With `--policy` it also runs the CrossGuard pack in
 * policies/ over the planned graph, as `pulumi preview --policy-pack` would (plan/policyRunner.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { findRoot, planStack, type StackPlan } from '../plan/runStack';
import { defaultPackDir, runPolicyPack, type PolicyPackConfig, type PolicyRunResult } from '../plan/policyRunner';
import { mergePolicyConfig, policyConfigFromStack, policyExitCode, renderPolicyText } from '../plan/policyReport';
import { renderMermaid, renderText, summarize, type PlanReport } from '../plan/report';
import { manifestProblems } from '../../manifestValidation';

export interface PlanCommandOptions {
  readonly stack: string;
  readonly json?: boolean;
  readonly mermaid?: boolean;
  readonly root?: string;
  /** Run the policy pack over the plan (exit 1 on a mandatory violation). */
  readonly policy?: boolean;
  /** Policy pack directory; default `<root>/policies`. */
  readonly policyPack?: string;
  /** Policy config in `--policy-pack-config` form, layered over the config derived from the stack. */
  readonly policyConfig?: PolicyPackConfig;
  /** Every policy mandatory, whatever the pack or config says (disabled stays disabled). */
  readonly allMandatory?: boolean;
  /** 'pulumi' loads the pack with the Pulumi CLI's own ts-node loader (slow); default tsx. */
  readonly policyLoader?: 'tsx' | 'pulumi';
}

export interface PlanResult {
  readonly plan: StackPlan;
  readonly report: PlanReport;
  readonly output: string;
  /** 0 when the plan is sound; 1 on duplicate URNs, an invalid manifest or a mandatory policy violation. */
  readonly exitCode: number;
  readonly policy?: PolicyRunResult;
}

export async function runPlan(options: PlanCommandOptions): Promise<PlanResult> {
  const plan = await planStack({ stack: options.stack, ...(options.root ? { root: options.root } : {}) });
  const report = summarize(plan);
  const problems = manifestProblems(report.manifest);
  const exitCode = report.duplicateUrns.length > 0 || problems.length > 0 ? 1 : 0;
  if (options.policy) return withPolicy(options, plan, report, problems, exitCode);
  let output: string;
  if (options.mermaid) output = renderMermaid(plan);
  else if (options.json) output = JSON.stringify({ ...report, manifestProblems: problems, resources: plan.resources }, null, 2);
  else output = renderText(report) + (problems.length ? `\nERROR manifest invalid:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}` : '');
  return { plan, report, output, exitCode };
}

async function withPolicy(
  options: PlanCommandOptions, plan: StackPlan, report: PlanReport, problems: ReturnType<typeof manifestProblems>, planExit: number,
): Promise<PlanResult> {
  const root = options.root ?? findRoot();
  const policy = await runPolicyPack(plan, {
    packDir: options.policyPack ? path.resolve(options.policyPack) : defaultPackDir(root),
    config: mergePolicyConfig(policyConfigFromStack(plan.config), options.policyConfig),
    ...(options.allMandatory ? { allMandatory: true } : {}),
    ...(options.policyLoader ? { loader: options.policyLoader } : {}),
  });
  const exitCode = Math.max(planExit, policyExitCode(policy));
  const output = options.json
    ? JSON.stringify({ stack: plan.stack, resourceCount: report.resourceCount, manifestProblems: problems, duplicateUrns: report.duplicateUrns, policy }, null, 2)
    : `${renderPolicyText(plan.stack, policy)}${problems.length || report.duplicateUrns.length ? '\nERROR: the plan itself is unsound (run nexus plan without --policy)' : ''}`;
  return { plan, report, output, exitCode, policy };
}

function readPolicyConfig(file: string): PolicyPackConfig {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PolicyPackConfig;
  } catch (err) {
    throw new Error(`--policy-config ${file}: expected a JSON file like pulumi's --policy-pack-config (${(err as Error).message})`);
  }
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('Run the Pulumi program offline under mocks for a stack and print its resource graph and manifest')
    .requiredOption('-s, --stack <name>', 'stack name (reads Pulumi.<name>.yaml)')
    .option('--json', 'print the full report (summary, every resource with parent/dependencies/inputs, manifest) as JSON')
    .option('--mermaid', 'print a Mermaid flowchart of the resource graph')
    .option('--policy', 'run the CrossGuard pack (policies/) over the plan via its gRPC analyzer; exit 1 on a mandatory violation')
    .option('--policy-pack <dir>', 'policy pack directory (default: policies/)')
    .option('--policy-config <file>', 'policy config JSON, as pulumi preview --policy-pack-config')
    .option('--all-mandatory', 'run every policy as mandatory')
    .option('--policy-loader <loader>', 'tsx (default) or pulumi (the CLI\'s ts-node loader with type checking; slow)')
    .action(async (opts: { stack: string; json?: boolean; mermaid?: boolean; policy?: boolean; policyPack?: string; policyConfig?: string; allMandatory?: boolean; policyLoader?: string }) => {
      if (opts.json && opts.mermaid) throw new Error('choose one of --json and --mermaid');
      if (opts.policy && opts.mermaid) throw new Error('--policy prints policy results (text or --json), not a Mermaid graph; drop --mermaid');
      if (!opts.policy && (opts.policyPack || opts.policyConfig || opts.allMandatory || opts.policyLoader)) throw new Error('--policy-pack, --policy-config, --all-mandatory and --policy-loader need --policy');
      if (opts.policyLoader && opts.policyLoader !== 'tsx' && opts.policyLoader !== 'pulumi') throw new Error(`--policy-loader ${opts.policyLoader}: expected tsx or pulumi`);
      const result = await runPlan({
        stack: opts.stack, ...(opts.json ? { json: true } : {}), ...(opts.mermaid ? { mermaid: true } : {}),
        ...(opts.policy ? { policy: true } : {}), ...(opts.policyPack ? { policyPack: opts.policyPack } : {}),
        ...(opts.policyConfig ? { policyConfig: readPolicyConfig(opts.policyConfig) } : {}),
        ...(opts.allMandatory ? { allMandatory: true } : {}),
        ...(opts.policyLoader ? { policyLoader: opts.policyLoader as 'tsx' | 'pulumi' } : {}),
      });
      process.stdout.write(`${result.output}\n`);
      if (result.exitCode !== 0) process.exitCode = result.exitCode;
    });
}
