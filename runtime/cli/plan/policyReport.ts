/**
 * Presentation of a policy run for `nexus plan --policy`: violations grouped by enforcement
 * level (resource, rule, message), the exit code CI acts on (non-zero on any mandatory
 * violation), and the policy config derived from the stack's own config (throughput hint and
 * budget for the cost rule), which the real CLI takes from `--policy-pack-config` instead.
 */
import type { PolicyPackConfig, PolicyRunResult, PolicyViolation } from './policyRunner';

const ORDER = ['mandatory', 'remediate', 'advisory'] as const;

export function policyExitCode(result: PolicyRunResult): number {
  return result.violations.some((v) => v.level === 'mandatory' || v.level === 'remediate') ? 1 : 0;
}

export function groupByLevel(violations: readonly PolicyViolation[]): Record<string, PolicyViolation[]> {
  const out: Record<string, PolicyViolation[]> = {};
  for (const v of violations) (out[v.level] ??= []).push(v);
  return out;
}

/** The pack prefixes each message with the policy description; keep only what is specific. */
function specific(v: PolicyViolation, descriptions: ReadonlyMap<string, string>): string {
  const d = descriptions.get(v.policy);
  return d && v.message.startsWith(`${d}\n`) ? v.message.slice(d.length + 1) : v.message;
}

export function renderPolicyText(stack: string, result: PolicyRunResult): string {
  const descriptions = new Map(result.policies.map((p) => [p.name, p.description]));
  const lines = [`Policy pack ${result.pack.name}@${result.pack.version} on stack ${stack}: ${result.policies.length} policies, ${result.analyzed} resources analyzed`];
  const groups = groupByLevel(result.violations);
  for (const level of ORDER) {
    const vs = groups[level] ?? [];
    if (vs.length === 0) continue;
    lines.push('', `${level.toUpperCase()} violations (${vs.length}):`);
    for (const v of vs) {
      const where = v.resourceName ? `${v.resourceType ?? '?'} ${v.resourceName}` : '(stack)';
      lines.push(`  [${v.policy}] ${where}`, `      ${specific(v, descriptions).split('\n').join('\n      ')}`);
    }
  }
  if (result.violations.length === 0) lines.push('', 'No policy violations.');
  lines.push('', policyExitCode(result) ? 'FAILED: mandatory policy violations.' : 'PASSED: no mandatory policy violations.');
  return lines.join('\n');
}

/** Policy config from the stack's config: what the real CLI user puts in --policy-pack-config. */
export function policyConfigFromStack(config: Readonly<Record<string, string>>): PolicyPackConfig {
  const n = (k: string): number | undefined => (config[k] !== undefined && Number.isFinite(Number(config[k])) ? Number(config[k]) : undefined);
  const budget = n('nexus:monthlyBudgetUsd');
  const eps = n('nexus:eventsPerSecond');
  return {
    'monthly-budget': { ...(budget !== undefined ? { monthlyBudgetUsd: budget } : {}), ...(eps !== undefined ? { eventsPerSecond: eps } : {}) },
  };
}

/** Config files layered left to right: later policies' settings win, properties merge. */
export function mergePolicyConfig(...configs: readonly (PolicyPackConfig | undefined)[]): PolicyPackConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const c of configs) {
    for (const [name, v] of Object.entries(c ?? {})) out[name] = { ...out[name], ...(typeof v === 'string' ? { enforcementLevel: v } : v) };
  }
  return out;
}
