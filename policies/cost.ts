/**
 * Cost rule: the estimated monthly cost of the planned stack (costEstimator.ts, from the planned
 * resources and the stack's throughput hints) stays within a configurable budget. The budget is
 * the policy config's monthlyBudgetUsd, else the amount of the budget resource the stack plans
 * (AWS Budgets / Azure consumption budget, from nexus:monthlyBudgetUsd).
 */
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { configWithDefaults, get, num } from './policyKit';
import { estimateMonthlyCost, type CostEstimate, type ThroughputHints } from './costEstimator';

export interface BudgetConfig extends ThroughputHints {
  /** 0 = take the amount from the stack's planned budget resource. */
  readonly monthlyBudgetUsd: number;
}

export const BUDGET_DEFAULTS: BudgetConfig = { monthlyBudgetUsd: 0, eventsPerSecond: 0, averageLoadFactor: 0.2, eventBytes: 512, noncriticalShare: 0 };

/** The monthly amount of a budget resource in the plan, if any. */
export function plannedBudget(resources: readonly PolicyResource[]): number | undefined {
  for (const r of resources) {
    if (r.type === 'aws:budgets/budget:Budget' && get(r.props, 'timeUnit') === 'MONTHLY') return num(get(r.props, 'limitAmount'));
    if (r.type === 'azure-native:consumption:Budget' && (get(r.props, 'timeGrain') ?? 'Monthly') === 'Monthly') return num(get(r.props, 'amount'));
  }
  return undefined;
}

export function formatEstimate(e: CostEstimate, top = 5): string {
  const lines = e.lines.slice(0, top).map((l) => `${l.resource} $${l.usd.toFixed(2)} (${l.basis})`).join('; ');
  return `largest items: ${lines}; prices as of ${e.pricesAsOf}, ${(e.eventsPerMonth / 1e6).toFixed(0)}M events/month`;
}

export const monthlyBudget: StackValidationPolicy = {
  name: 'monthly-budget',
  description: 'The estimated monthly cost of the planned stack stays within the budget.',
  // An estimate, not a bill: advisory unless a team promotes it (config or --all-mandatory).
  enforcementLevel: 'advisory',
  configSchema: {
    properties: {
      monthlyBudgetUsd: { type: 'number', minimum: 0, default: BUDGET_DEFAULTS.monthlyBudgetUsd, description: 'Budget in USD per month; 0 = the amount of the budget resource in the plan (nexus:monthlyBudgetUsd).' },
      eventsPerSecond: { type: 'number', minimum: 0, default: BUDGET_DEFAULTS.eventsPerSecond, description: 'Peak events per second the stack is sized for (nexus:eventsPerSecond); 0 prices capacity only.' },
      averageLoadFactor: { type: 'number', minimum: 0, maximum: 1, default: BUDGET_DEFAULTS.averageLoadFactor, description: 'Average load as a share of the peak.' },
      eventBytes: { type: 'number', minimum: 1, default: BUDGET_DEFAULTS.eventBytes, description: 'Average stored event size in bytes.' },
      noncriticalShare: { type: 'number', minimum: 0, maximum: 1, default: BUDGET_DEFAULTS.noncriticalShare, description: 'Share of events routed to the non-critical path (manifest routing.noncritical).' },
    },
  },
  validateStack: (args, report) => {
    const cfg = configWithDefaults(args, BUDGET_DEFAULTS);
    const budget = cfg.monthlyBudgetUsd > 0 ? cfg.monthlyBudgetUsd : plannedBudget(args.resources);
    if (budget === undefined) return args.notApplicable('no monthlyBudgetUsd in the policy config and no budget resource in the plan');
    const estimate = estimateMonthlyCost(args.resources, cfg);
    if (estimate.totalUsd > budget) {
      report(`estimated monthly cost $${estimate.totalUsd.toFixed(2)} exceeds the budget of $${budget.toFixed(2)} at ${cfg.eventsPerSecond} events/s peak x ${cfg.averageLoadFactor} average load; ${formatEstimate(estimate)}.`);
    }
  },
};

export const costPolicies = [monthlyBudget];
