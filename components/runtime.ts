/**
 * Runtime component: the shared runtime bundle deployed as functions/services (API, relay,
 * projections, sagas, snapshot scheduler), its identity with least-privilege grants on the
 * sibling components, the change-data-capture trigger that feeds the relay and the scheduler
 * for time-based snapshots. The manifest reaches the bundle as configuration (NEXUS_MANIFEST).
 */
import * as pulumi from '@pulumi/pulumi';
import type { RuntimeArgs } from './args';
import type { RuntimeOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { RuntimeArgs };

export class Runtime extends pulumi.ComponentResource {
  readonly apiUrl: pulumi.Output<string>;
  readonly websocketUrl: pulumi.Output<string | undefined>;
  readonly outputs: RuntimeOutputs;

  constructor(name: string, args: RuntimeArgs, opts?: NexusComponentOptions) {
    super(TOKENS.runtime, name, {}, pulumiOptions(opts));
    this.outputs = providerFor(args.placement, opts).runtime(name, args, this);
    this.apiUrl = this.outputs.apiUrl;
    this.websocketUrl = this.outputs.websocketUrl ?? pulumi.output(undefined);
    this.registerOutputs({ apiUrl: this.apiUrl, websocketUrl: this.websocketUrl });
  }
}
