/**
 * SearchIndex component: the search/read-model store projections write to.
 * Cloud-neutral; the provider chosen by `placement.cloud` creates the resources as its children.
 */
import * as pulumi from '@pulumi/pulumi';
import type { SearchIndexArgs } from './args';
import type { SearchIndexOutputs } from './outputs';
import { TOKENS } from './tokens';
import { providerFor, pulumiOptions, type NexusComponentOptions } from './base';

export type { SearchIndexArgs };

export class SearchIndex extends pulumi.ComponentResource {
  /** This component's section of the manifest. */
  readonly manifest: SearchIndexOutputs['manifest'];
  /** Everything the provider returned (manifest + provider refs for sibling components). */
  readonly outputs: SearchIndexOutputs;

  constructor(name: string, args: SearchIndexArgs, opts?: NexusComponentOptions) {
    super(TOKENS.searchIndex, name, {}, pulumiOptions(opts));
    this.outputs = providerFor(args.placement, opts).searchIndex(name, args, this);
    this.manifest = this.outputs.manifest;
    this.registerOutputs({ manifest: this.manifest });
  }
}
