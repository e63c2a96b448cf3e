/** One Cosmos DB SQL container with a hash partition key (v2), optional default TTL, payloads unindexed. */
import type * as pulumi from '@pulumi/pulumi';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb';

/**
 * Payloads the adapters never filter or sort on (event data/metadata, snapshot state, a dead
 * letter's message): not indexed, which lowers every write's RU charge.
 */
export const UNINDEXED_PATHS = ['/data/*', '/metadata/*', '/state/*', '/message/*', '/"_etag"/?'] as const;

export interface ContainerSpec {
  readonly partitionKey: string;
  /** -1: items may set their own `ttl`; absent: no expiry. */
  readonly defaultTtl?: number;
}

export function cosmosContainer(
  logicalName: string, resourceGroupName: pulumi.Input<string>, accountName: string, databaseName: pulumi.Input<string>,
  id: string, spec: ContainerSpec, protect: boolean, parent: pulumi.Resource,
): cosmosdb.SqlResourceSqlContainer {
  return new cosmosdb.SqlResourceSqlContainer(logicalName, {
    resourceGroupName,
    accountName,
    databaseName,
    containerName: id,
    resource: {
      id,
      partitionKey: { paths: [spec.partitionKey], kind: 'Hash', version: 2 },
      ...(spec.defaultTtl !== undefined ? { defaultTtl: spec.defaultTtl } : {}),
      indexingPolicy: { indexingMode: 'consistent', automatic: true, includedPaths: [{ path: '/*' }], excludedPaths: UNINDEXED_PATHS.map((path) => ({ path })) },
    },
  }, { parent, protect });
}
