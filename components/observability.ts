/**
 * Observability component: alarms for dead-letter depth, relay lag and throttling on every
 * data component, a budget alarm when one is configured, and a dashboard — per cloud.
 */
import * as pulumi from '@pulumi/pulumi';
import type { ObservabilityArgs } from './args';
import type { ObservabilityOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { ObservabilityArgs };

export class Observability extends pulumi.ComponentResource {
  readonly dashboardUrl: pulumi.Output<string>;
  readonly alarms: readonly string[];
  readonly outputs: ObservabilityOutputs;

  constructor(name: string, args: ObservabilityArgs, opts?: NexusComponentOptions) {
    super(TOKENS.observability, name, {}, pulumiOptions(opts));
    this.outputs = providerFor(args.placement, opts).observability(name, args, this);
    this.dashboardUrl = this.outputs.dashboardUrl;
    this.alarms = this.outputs.alarms;
    this.registerOutputs({ dashboardUrl: this.dashboardUrl, alarms: this.alarms });
  }
}
