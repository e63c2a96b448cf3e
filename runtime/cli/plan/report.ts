/**
 * Pure views of a captured plan for `nexus plan`: the per-component summary, the count per
 * resource type, a JSON report and a Mermaid diagram (components as subgraphs, dependencies as
 * edges). No Pulumi import: works on the PlannedResource records only.
 */
import type { PlannedResource } from './graph';
import type { StackPlan } from './runStack';

export interface ComponentSummary {
  readonly component: string;
  readonly type: string;
  readonly resources: number;
  /** Resource type → count, for the resources this component owns directly or through children. */
  readonly types: Readonly<Record<string, number>>;
}

export interface PlanReport {
  readonly project: string;
  readonly stack: string;
  readonly resourceCount: number;
  readonly components: readonly ComponentSummary[];
  readonly typeCounts: Readonly<Record<string, number>>;
  readonly duplicateUrns: readonly string[];
  readonly manifest: unknown;
  readonly outputs: Readonly<Record<string, unknown>>;
}

const isNexus = (type: string): boolean => type.startsWith('nexus:');

function owner(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): PlannedResource | undefined {
  let cur = r.parent ? byUrn.get(r.parent) : undefined;
  while (cur && !isNexus(cur.type)) cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  return cur;
}

export function summarize(plan: StackPlan): PlanReport {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const components = new Map<string, { type: string; types: Record<string, number>; n: number }>();
  const typeCounts: Record<string, number> = {};
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of plan.resources) {
    (seen.has(r.urn) ? dup : seen).add(r.urn);
    if (isNexus(r.type)) {
      if (!components.has(r.name)) components.set(r.name, { type: r.type, types: {}, n: 0 });
      continue;
    }
    typeCounts[r.type] = (typeCounts[r.type] ?? 0) + 1;
    const o = owner(r, byUrn);
    const key = o?.name ?? '(none)';
    const c = components.get(key) ?? { type: o?.type ?? '-', types: {}, n: 0 };
    c.types[r.type] = (c.types[r.type] ?? 0) + 1;
    c.n += 1;
    components.set(key, c);
  }
  const sortedCounts = Object.fromEntries(Object.entries(typeCounts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
  return {
    project: plan.project,
    stack: plan.stack,
    resourceCount: plan.resources.filter((r) => r.custom).length,
    components: [...components].map(([component, c]) => ({ component, type: c.type, resources: c.n, types: c.types })),
    typeCounts: sortedCounts,
    duplicateUrns: [...dup],
    manifest: plan.outputs.manifest,
    outputs: plan.outputs,
  };
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const shortType = (t: string): string => t.replace(/^([^:]+):([^/:]+)\/[^:]+:/, '$1:$2:');

export function renderText(report: PlanReport): string {
  const comp = table(['component', 'type', 'resources', 'main resource types'], report.components.map((c) => [
    c.component, c.type, String(c.resources),
    Object.entries(c.types).sort(([, a], [, b]) => b - a).slice(0, 4).map(([t, n]) => `${shortType(t)}×${n}`).join(', '),
  ]));
  const counts = table(['resource type', 'count'], Object.entries(report.typeCounts).map(([t, n]) => [t, String(n)]));
  return [
    `Plan for ${report.project}/${report.stack} (offline, Pulumi mocks): ${report.resourceCount} resources in ${report.components.length} components`,
    ...(report.duplicateUrns.length ? [`ERROR duplicate URNs: ${report.duplicateUrns.join(', ')}`] : []),
    '',
    comp,
    '',
    counts,
    '',
    'manifest:',
    JSON.stringify(report.manifest, null, 2),
  ].join('\n');
}

/** A Mermaid flowchart: one subgraph per Nexus component, one node per resource, dependency edges. */
export function renderMermaid(plan: StackPlan): string {
  const ids = new Map(plan.resources.map((r, i) => [r.urn, `r${i}`]));
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  const groups = new Map<string, PlannedResource[]>();
  for (const r of plan.resources) {
    if (isNexus(r.type)) continue;
    const o = owner(r, byUrn);
    const k = o?.urn ?? '';
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [urn, members] of groups) {
    const comp = byUrn.get(urn);
    if (comp) lines.push(`  subgraph ${ids.get(urn)}["${esc(comp.name)} (${esc(comp.type.split(':').pop()!)})"]`);
    for (const r of members) lines.push(`    ${ids.get(r.urn)}["${esc(r.name)}<br/><small>${esc(shortType(r.type))}</small>"]`);
    if (comp) lines.push('  end');
  }
  const edges = new Set<string>();
  for (const r of plan.resources) {
    if (isNexus(r.type)) continue;
    for (const d of new Set([...r.dependsOn, ...Object.values(r.propertyDependencies).flat()])) {
      const dep = byUrn.get(d);
      if (!dep || isNexus(dep.type)) continue;
      edges.add(`  ${ids.get(d)} --> ${ids.get(r.urn)}`);
    }
  }
  lines.push(...edges);
  return lines.join('\n');
}
