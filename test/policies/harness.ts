/**
 * Light-route harness for policy tests (policy-aws style): build ResourceValidationArgs /
 * StackValidationArgs for synthesized resources, run one policy, and collect the messages it
 * reports; plus the shared assertions "has violation X" and "no violations".
 */
import * as assert from 'node:assert/strict';
import type {
  PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from '@pulumi/policy';

export type Props = Record<string, unknown>;

/** Component chain per Nexus component, as the platform registers it. */
export const COMPONENT: Record<string, string> = {
  eventstore: 'nexus:eventstore:EventStore',
  eventbus: 'nexus:eventbus:EventBus',
  schemaregistry: 'nexus:schemaregistry:SchemaRegistry',
  searchindex: 'nexus:searchindex:SearchIndex',
  runtime: 'nexus:runtime:Runtime',
  observability: 'nexus:observability:Observability',
};

export interface Synth {
  readonly type: string;
  readonly name: string;
  readonly props: Props;
  /** Owning Nexus component key (COMPONENT); default none. */
  readonly component?: string;
  readonly stack?: string;
  readonly protect?: boolean;
  /** Input property → names of the synthesized resources (in the same stack) it came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export function urnOf(s: Synth): string {
  const chain = ['nexus:platform:NexusPlatform', ...(s.component ? [COMPONENT[s.component] ?? s.component] : []), s.type].join('$');
  return `urn:pulumi:${s.stack ?? 'prod'}::nexus::${chain}::${s.name}`;
}

class NotApplicable extends Error {}

const opts = (protect = false) => ({ protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] });

function typeMatches(type: string) {
  return (cls: unknown): boolean => (cls as { __pulumiType?: string }).__pulumiType === type;
}

export function resourceArgs(s: Synth, config: Props = {}): ResourceValidationArgs {
  return {
    type: s.type, props: s.props, urn: urnOf(s), name: s.name, opts: opts(s.protect), stackTags: new Map(),
    isType: typeMatches(s.type),
    asType: (() => s.props) as unknown as ResourceValidationArgs['asType'],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
  };
}

/** Messages a resource policy reports for one synthesized resource. */
export async function resourceViolations(policy: ResourceValidationPolicy, s: Synth, config: Props = {}): Promise<string[]> {
  const out: string[] = [];
  const report: ReportViolation = (m) => { out.push(m); };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
  for (const v of validations) {
    try { await v(resourceArgs(s, config), report); } catch (e) { if (!(e instanceof NotApplicable)) throw e; }
  }
  return out;
}

export function policyResource(s: Synth): PolicyResource {
  return {
    type: s.type, props: s.props, urn: urnOf(s), name: s.name, opts: opts(s.protect), dependencies: [], propertyDependencies: {},
    isType: typeMatches(s.type),
    asType: (() => s.props) as unknown as PolicyResource['asType'],
  };
}

/** PolicyResources for a synthesized stack, with propertyDependencies resolved to the named resources (as the analyzer does). */
function linked(stack: readonly Synth[]): PolicyResource[] {
  const resources = stack.map(policyResource);
  const byName = new Map(resources.map((r) => [r.name, r]));
  stack.forEach((s, i) => {
    for (const [prop, names] of Object.entries(s.propertyDependencies ?? {})) {
      resources[i]!.propertyDependencies[prop] = names.map((n) => {
        const r = byName.get(n);
        if (!r) throw new Error(`${s.name}.${prop} depends on ${n}, which is not in the synthesized stack`);
        return r;
      });
    }
  });
  return resources;
}

/** Messages a stack policy reports for a synthesized stack; 'not applicable' is returned as such. */
export async function stackViolations(policy: StackValidationPolicy, stack: readonly Synth[], config: Props = {}): Promise<string[] | 'not applicable'> {
  const out: string[] = [];
  const args: StackValidationArgs = {
    resources: linked(stack), stackTags: new Map(), getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
  };
  try {
    await policy.validateStack(args, (m) => { out.push(m); });
  } catch (e) {
    if (e instanceof NotApplicable) return 'not applicable';
    throw e;
  }
  return out;
}

export function assertNoViolations(messages: readonly string[] | 'not applicable'): void {
  assert.deepEqual(messages, [], `expected no violations, got:\n${Array.isArray(messages) ? messages.join('\n') : String(messages)}`);
}

export function assertViolation(messages: readonly string[] | 'not applicable', pattern: RegExp): void {
  assert.ok(Array.isArray(messages), 'expected violations, the policy was not applicable');
  assert.ok(messages.some((m) => pattern.test(m)), `expected a violation matching ${String(pattern)}, got:\n${messages.join('\n') || '(none)'}`);
}

/** Deep copy with one nested property changed (or removed with `undefined`). */
export function withProp(props: Props, pathStr: string, value: unknown): Props {
  const copy = structuredClone(props);
  const keys = pathStr.split('.');
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
  const last = keys[keys.length - 1] ?? '';
  if (value === undefined) delete cur[last]; else cur[last] = value;
  return copy;
}
