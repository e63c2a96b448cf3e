/**
 * Notifications component: the WebSocket push channel and its connection registry.
 * Cloud-neutral; the provider chosen by `placement.cloud` creates the resources as its children.
 */
import * as pulumi from '@pulumi/pulumi';
import type { NotificationsArgs } from './args';
import type { NotificationsOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { NotificationsArgs };

export class Notifications extends pulumi.ComponentResource {
  /** This component's section of the manifest. */
  readonly manifest: NotificationsOutputs['manifest'];
  /** Everything the provider returned (manifest + provider refs for sibling components). */
  readonly outputs: NotificationsOutputs;

  constructor(name: string, args: NotificationsArgs, opts?: NexusComponentOptions) {
    super(TOKENS.notifications, name, {}, pulumiOptions(opts));
    this.outputs = providerFor(args.placement, opts).notifications(name, args, this);
    this.manifest = this.outputs.manifest;
    this.registerOutputs({ manifest: this.manifest });
  }
}
