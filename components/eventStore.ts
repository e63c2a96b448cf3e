/**
 * EventStore component: events, snapshots, checkpoints and idempotency records.
 * Cloud-neutral; the provider chosen by `placement.cloud` creates the resources as its children.
 */
import * as pulumi from '@pulumi/pulumi';
import type { EventStoreArgs } from './args';
import type { EventStoreOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { EventStoreArgs };

export class EventStore extends pulumi.ComponentResource {
  /** This component's section of the manifest. */
  readonly manifest: EventStoreOutputs['manifest'];
  /** Everything the provider returned (manifest + provider refs for sibling components). */
  readonly outputs: EventStoreOutputs;

  constructor(name: string, args: EventStoreArgs, opts?: NexusComponentOptions) {
    super(TOKENS.eventStore, name, {}, pulumiOptions(opts));
    this.outputs = providerFor(args.placement, opts).eventStore(name, args, this);
    this.manifest = this.outputs.manifest;
    this.registerOutputs({ manifest: this.manifest });
  }
}
