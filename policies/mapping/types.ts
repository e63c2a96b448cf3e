/**
 * The shape of the per-cloud resource mapping the cloud-neutral rules are parameterised with:
 * each entry names a provider resource class (AWS, GCP or Azure) and an extractor that turns its
 * inputs into the neutral facts a rule judges (ADR 0090). Resource rules run the extractor in a
 * `validateResourceOfType` per entry; stack rules run it over the whole planned stack.
 */
import type { Resource } from '@pulumi/pulumi';
import {
  validateResourceOfType, type PolicyResource, type ReportViolation, type ResourceValidation, type ResourceValidationArgs,
} from '@pulumi/policy';
import type { Props } from '../policyKit';

export type Cloud = 'aws' | 'gcp' | 'azure';

/** Any provider resource class (`aws.dynamodb.Table`, `gcp.pubsub.Subscription`, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors @pulumi/policy's own class parameter type
export type ResourceClass = new (name: string, args: never, ...rest: any[]) => Resource;

/** What an extractor sees: the resource's identity and inputs, and (in stack rules) the whole plan. */
export interface Subject {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly props: Props;
  /** Every planned resource; present only when a stack rule calls the extractor. */
  readonly stack?: readonly PolicyResource[];
}

export interface Mapping<F> {
  readonly cloud: Cloud;
  readonly resource: ResourceClass;
  /** Facts for this resource, or undefined when the rule does not concern it. */
  extract(subject: Subject): F | undefined;
}

export function mapping<F>(cloud: Cloud, resource: ResourceClass, extract: (s: Subject) => F | undefined): Mapping<F> {
  return { cloud, resource, extract };
}

/** The Pulumi type token of a mapped class (`aws:dynamodb/table:Table`). */
export function typeOf(resource: ResourceClass): string {
  return (resource as unknown as { __pulumiType: string }).__pulumiType;
}

export type FactCheck<F> = (facts: F, args: ResourceValidationArgs, report: ReportViolation) => void;

/** One `validateResourceOfType` per mapped class, each extracting facts and handing them to `check`. */
export function validateMapped<F>(mappings: readonly Mapping<F>[], check: FactCheck<F>): ResourceValidation[] {
  return mappings.map((m) => validateResourceOfType(m.resource, (props, args, report) => {
    const facts = m.extract({ urn: args.urn, name: args.name, type: args.type, props });
    if (facts !== undefined) check(facts, args, report);
  }));
}

/** Facts for every planned resource a stack rule's mapping covers. */
export function collect<F>(mappings: readonly Mapping<F>[], resources: readonly PolicyResource[]): { resource: PolicyResource; facts: F }[] {
  const byType = new Map(mappings.map((m) => [typeOf(m.resource), m] as const));
  const out: { resource: PolicyResource; facts: F }[] = [];
  for (const r of resources) {
    const m = byType.get(r.type);
    const facts = m?.extract({ urn: r.urn, name: r.name, type: r.type, props: r.props as Props, stack: resources });
    if (facts !== undefined) out.push({ resource: r, facts });
  }
  return out;
}
