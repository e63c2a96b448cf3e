/**
 * The planned resource graph: every resource the program registers, with its parent, explicit
 * dependsOn and per-property dependencies, captured from the mock monitor's registerResource
 * requests (the mock callback itself sees only type, name and inputs). The policy pack runs
 * over this graph offline; `nexus plan` prints it.
 */
import * as pulumi from '@pulumi/pulumi';

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** True for provider-managed (custom) resources; false for components. */
  readonly custom: boolean;
  readonly parent?: string;
  readonly dependsOn: readonly string[];
  /** Input property → URNs it depends on. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect?(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): unknown;
}

interface Monitor {
  registerResource(req: RegisterRequest, callback: (err: unknown, res: { getUrn(): string } | undefined) => void): Promise<void> | void;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require('@pulumi/pulumi/runtime/rpc') as { deserializeProperties(o: unknown): Record<string, unknown> };
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Wrap the current (mock) monitor so every registration is recorded. Call after
 * `pulumi.runtime.setMocks` and before the program is loaded; the returned array fills as the
 * program runs.
 */
export function captureGraph(): PlannedResource[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
  if (!monitor) throw new Error('captureGraph: no Pulumi monitor; call pulumi.runtime.setMocks first');
  const resources: PlannedResource[] = [];
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => original(req, (err, res) => {
    if (!err && res) {
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((v, k) => {
        const urns = v.getUrnsList();
        if (urns.length > 0) propertyDependencies[k] = urns;
      });
      resources.push({
        urn: res.getUrn(),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        ...(req.getParent() ? { parent: req.getParent() } : {}),
        dependsOn: req.getDependenciesList(),
        propertyDependencies,
        inputs: rpc.deserializeProperties(req.getObject()),
        protect: req.getProtect?.() ?? false,
      });
    }
    callback(err, res);
  });
  return resources;
}

/** URNs registered more than once (mocks accept duplicates; a real engine would fail). */
export function duplicateUrns(resources: readonly PlannedResource[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of resources) (seen.has(r.urn) ? dup : seen).add(r.urn);
  return [...dup];
}

/** The nearest ancestor of `r` whose type satisfies `isComponent` (e.g. a Nexus component). */
export function owningComponent(
  r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>, isComponent: (type: string) => boolean,
): PlannedResource | undefined {
  let cur = r.parent ? byUrn.get(r.parent) : undefined;
  while (cur && !isComponent(cur.type)) cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  return cur;
}
