/**
 * EventBus component: the ordered core path, the non-critical fan-out path and their dead-letters.
 * Cloud-neutral; the provider chosen by `placement.cloud` creates the resources as its children.
 */
import * as pulumi from '@pulumi/pulumi';
import type { EventBusArgs } from './args';
import type { EventBusOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { EventBusArgs };

export class EventBus extends pulumi.ComponentResource {
  /** This component's section of the manifest. */
  readonly manifest: EventBusOutputs['manifest'];
  /** Everything the provider returned (manifest + provider refs for sibling components). */
  readonly outputs: EventBusOutputs;

  constructor(name: string, args: EventBusArgs, opts?: NexusComponentOptions) {
    super(TOKENS.eventBus, name, {}, pulumiOptions(opts));
    this.outputs = providerFor(args.placement, opts).eventBus(name, args, this);
    this.manifest = this.outputs.manifest;
    this.registerOutputs({ manifest: this.manifest });
  }
}
