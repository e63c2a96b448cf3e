/**
 * Shared pieces of the GCP provider: resource options for stores (Pulumi `protect` outside dev),
 * the project/region from the placement, and errors tied to the component.
 */
import * as pulumi from '@pulumi/pulumi';
import type { Placement } from '../../components/args';
import { gcpLabels } from './naming';

export interface GcpContext {
  readonly project: string;
  readonly region: string;
  readonly labels: Record<string, string>;
  /** True in prod: customer-managed keys on every store, topic and service. */
  readonly cmek: boolean;
  readonly protect: boolean;
}

/** Decode what GCP needs from the placement; a missing project is an error on the component. */
export function gcpContext(placement: Placement, parent: pulumi.Resource): GcpContext {
  if (placement.cloud !== 'gcp') {
    throw new pulumi.ResourceError(`GCP provider: placement.cloud is "${placement.cloud}", expected "gcp"`, parent);
  }
  if (!placement.gcpProject) {
    throw new pulumi.ResourceError('GCP provider: placement.gcpProject is required (set nexus:gcpProject)', parent);
  }
  return {
    project: placement.gcpProject,
    region: placement.region,
    labels: gcpLabels(placement.tags, { 'nexus-environment': placement.environment }),
    cmek: placement.environment === 'prod',
    protect: placement.deletionProtection,
  };
}

/** Options of a stateful child: parented, and protected from `pulumi destroy` when protection is on. */
export function storeOptions(ctx: GcpContext, parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { parent, protect: ctx.protect, ...extra };
}

/** Provider-side deletion policy: PREVENT fails any plan that would delete the resource. */
export function deletionPolicy(ctx: GcpContext): 'PREVENT' | 'DELETE' {
  return ctx.protect ? 'PREVENT' : 'DELETE';
}
