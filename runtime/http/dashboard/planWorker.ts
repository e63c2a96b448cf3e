/**
 * Child-process entry for the dashboard's clouds view: plans one stack offline (Pulumi program
 * under mocks), runs the CrossGuard pack over it when available, estimates the monthly cost,
 * and prints one JSON document (CloudPlanView) on stdout. A separate process because the Pulumi
 * SDK's mocks are process-global and must not leak into the running API server.
 *   tsx runtime/http/dashboard/planWorker.ts <stack>
 */
import { planStack, findRoot } from '../../cli/plan/runStack';
import { summarize } from '../../cli/plan/report';
import { defaultPackDir, runPolicyPack } from '../../cli/plan/policyRunner';
import { policyConfigFromStack } from '../../cli/plan/policyReport';
import { toCloudPlanView, type PolicySummary } from './planView';

async function policies(plan: Awaited<ReturnType<typeof planStack>>): Promise<PolicySummary> {
  try {
    const result = await runPolicyPack(plan, { packDir: defaultPackDir(findRoot()), config: policyConfigFromStack(plan.config) });
    return {
      available: true,
      pack: `${result.pack.name}@${result.pack.version}`,
      policies: result.policies.length,
      violations: result.violations.map((v) => ({ policy: v.policy, level: v.level, message: v.message, ...(v.resourceName ? { resource: v.resourceName } : {}) })),
      notApplicable: result.notApplicable.length,
    };
  } catch (err) {
    return { available: false, reason: (err as Error).message.split('\n')[0] ?? 'policy runner failed' };
  }
}

async function main(): Promise<void> {
  const stack = process.argv[2];
  if (!stack) throw new Error('usage: planWorker.ts <stack>');
  const started = Date.now();
  const plan = await planStack({ stack });
  const view = toCloudPlanView(plan, summarize(plan), await policies(plan), Date.now() - started);
  process.stdout.write(`${JSON.stringify(view)}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
