/**
 * What the clouds view shows of one stack's plan: counts per component and type, a compact
 * resource graph (components and resources with their parent edges, for the SVG renderer in
 * the page), the policy results and the estimated monthly cost (policies/costEstimator.ts).
 */
import type { StackPlan } from '../../cli/plan/runStack';
import type { PlanReport } from '../../cli/plan/report';
import { estimateMonthlyCost } from '../../../policies/costEstimator';
import { BUDGET_DEFAULTS } from '../../../policies/cost';

export type PolicySummary =
  | { readonly available: true; readonly pack: string; readonly policies: number; readonly notApplicable: number;
      readonly violations: ReadonlyArray<{ policy: string; level: string; message: string; resource?: string }> }
  | { readonly available: false; readonly reason: string };

export interface GraphNode { readonly id: string; readonly label: string; readonly type: string; readonly component: boolean; readonly parent?: string }

export interface CloudPlanView {
  readonly stack: string;
  readonly cloud: string;
  readonly resourceCount: number;
  readonly components: ReadonlyArray<{ component: string; type: string; resources: number }>;
  readonly typeCounts: Readonly<Record<string, number>>;
  readonly graph: { readonly nodes: readonly GraphNode[]; readonly edges: ReadonlyArray<{ from: string; to: string }> };
  readonly policy: PolicySummary;
  readonly cost: { readonly totalUsd: number; readonly eventsPerMonth: number; readonly pricesAsOf: string; readonly top: ReadonlyArray<{ resource: string; usd: number; basis: string }>; readonly unpriced: number };
  readonly planMs: number;
}

const num = (v: string | undefined, fallback: number): number => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : fallback);

export function toCloudPlanView(plan: StackPlan, report: PlanReport, policy: PolicySummary, planMs: number): CloudPlanView {
  const custom = plan.resources.filter((r) => r.custom);
  const ids = new Map(plan.resources.map((r, i) => [r.urn, `n${i}`]));
  const nodes: GraphNode[] = plan.resources.map((r) => ({
    id: ids.get(r.urn)!, label: r.name, type: r.type, component: !r.custom,
    ...(r.parent && ids.has(r.parent) ? { parent: ids.get(r.parent)! } : {}),
  }));
  const edges = plan.resources.flatMap((r) => [...new Set([...r.dependsOn, ...Object.values(r.propertyDependencies).flat()])]
    .filter((d) => ids.has(d)).map((d) => ({ from: ids.get(d)!, to: ids.get(r.urn)! })));
  const estimate = estimateMonthlyCost(custom.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })), {
    // The same hints the pack's monthly-budget policy prices with (stack config over its defaults).
    eventsPerSecond: num(plan.config['nexus:eventsPerSecond'], BUDGET_DEFAULTS.eventsPerSecond),
    averageLoadFactor: BUDGET_DEFAULTS.averageLoadFactor,
    eventBytes: BUDGET_DEFAULTS.eventBytes,
  });
  return {
    stack: plan.stack,
    cloud: plan.config['nexus:cloud'] ?? 'unknown',
    resourceCount: report.resourceCount,
    components: report.components.map((c) => ({ component: c.component, type: c.type, resources: c.resources })),
    typeCounts: report.typeCounts,
    graph: { nodes, edges },
    policy,
    cost: {
      totalUsd: Math.round(estimate.totalUsd * 100) / 100, eventsPerMonth: estimate.eventsPerMonth, pricesAsOf: estimate.pricesAsOf,
      top: estimate.lines.slice(0, 8).map((l) => ({ resource: l.resource, usd: Math.round(l.usd * 100) / 100, basis: l.basis })), unpriced: estimate.unpriced.length,
    },
    planMs,
  };
}
