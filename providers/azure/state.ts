/**
 * Per-platform state of the Azure provider: the shared foundation and what later components need
 * from earlier ones (the bus keeps its dead letters in the event store's Cosmos account, the
 * schema registry lives in the bus's Event Hubs namespace). A fresh state per createProvider().
 */
import type * as pulumi from '@pulumi/pulumi';
import type { Placement } from '../../components/args';
import { createFoundation, type Foundation } from './foundation';

export interface CosmosInfo {
  readonly accountName: string;
  readonly accountId: pulumi.Output<string>;
  readonly endpoint: string;
  readonly databaseName: pulumi.Output<string>;
}

export interface EventHubsInfo {
  readonly namespaceName: string;
  readonly namespaceId: pulumi.Output<string>;
  readonly fullyQualifiedNamespace: string;
}

export interface AzureState {
  foundation?: Foundation;
  cosmos?: CosmosInfo;
  eventHubs?: EventHubsInfo;
}

export function foundationOf(state: AzureState, name: string, placement: Placement, parent: pulumi.Resource): Foundation {
  state.foundation ??= createFoundation(name, placement, parent);
  return state.foundation;
}
