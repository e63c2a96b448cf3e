/**
 * Options shared by every Nexus component: the usual ComponentResourceOptions plus the Nexus
 * provider to delegate to (NexusPlatform passes one provider to all its children; a component
 * used on its own loads the provider for its placement's cloud).
 */
import type * as pulumi from '@pulumi/pulumi';
import type { Placement } from './args';
import type { NexusProvider } from './provider';
import { loadProvider } from './providerRegistry';

export interface NexusComponentOptions extends pulumi.ComponentResourceOptions {
  /** The Nexus provider to use; default: loaded from the registry for `placement.cloud`. */
  readonly nexusProvider?: NexusProvider;
}

/** The provider for a component: the one given, after checking it matches the placement's cloud. */
export function providerFor(placement: Placement, opts: NexusComponentOptions | undefined): NexusProvider {
  const given = opts?.nexusProvider;
  if (given && given.cloud !== placement.cloud) {
    throw new Error(`nexusProvider is for "${given.cloud}" but placement.cloud is "${placement.cloud}"`);
  }
  return given ?? loadProvider(placement.cloud);
}

/** Strip the Nexus-only option before handing options to pulumi.ComponentResource. */
export function pulumiOptions(opts: NexusComponentOptions | undefined): pulumi.ComponentResourceOptions {
  if (!opts) return {};
  const { nexusProvider: _ignored, ...rest } = opts;
  return rest;
}
