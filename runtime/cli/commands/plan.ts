/**
 * `nexus plan --stack <name> [--json|--mermaid]`: runs the Pulumi program offline under mocks
 * for Pulumi.<stack>.yaml and prints the planned graph — a per-component summary, the count per
 * resource type and the manifest (validated against runtime/manifest.schema.json). The offline
 * rehearsal for CI without cloud credentials; the policy pack adds its results here.
 */
import type { Command } from 'commander';
import { planStack, type StackPlan } from '../plan/runStack';
import { renderMermaid, renderText, summarize, type PlanReport } from '../plan/report';
import { manifestProblems } from '../../manifestValidation';

export interface PlanCommandOptions {
  readonly stack: string;
  readonly json?: boolean;
  readonly mermaid?: boolean;
  readonly root?: string;
}

export interface PlanResult {
  readonly plan: StackPlan;
  readonly report: PlanReport;
  readonly output: string;
  /** 0 when the plan is sound; 1 on duplicate URNs or an invalid manifest. */
  readonly exitCode: number;
}

export async function runPlan(options: PlanCommandOptions): Promise<PlanResult> {
  const plan = await planStack({ stack: options.stack, ...(options.root ? { root: options.root } : {}) });
  const report = summarize(plan);
  const problems = manifestProblems(report.manifest);
  const exitCode = report.duplicateUrns.length > 0 || problems.length > 0 ? 1 : 0;
  let output: string;
  if (options.mermaid) output = renderMermaid(plan);
  else if (options.json) output = JSON.stringify({ ...report, manifestProblems: problems, resources: plan.resources }, null, 2);
  else output = renderText(report) + (problems.length ? `\nERROR manifest invalid:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}` : '');
  return { plan, report, output, exitCode };
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('Run the Pulumi program offline under mocks for a stack and print its resource graph and manifest')
    .requiredOption('-s, --stack <name>', 'stack name (reads Pulumi.<name>.yaml)')
    .option('--json', 'print the full report (summary, every resource with parent/dependencies/inputs, manifest) as JSON')
    .option('--mermaid', 'print a Mermaid flowchart of the resource graph')
    .action(async (opts: { stack: string; json?: boolean; mermaid?: boolean }) => {
      if (opts.json && opts.mermaid) throw new Error('choose one of --json and --mermaid');
      const result = await runPlan(opts);
      process.stdout.write(`${result.output}\n`);
      if (result.exitCode !== 0) process.exitCode = result.exitCode;
    });
}
