/** One Cosmos DB SQL container with a hash partition key (v2) and optional default TTL. */
import type * as pulumi from '@pulumi/pulumi';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb';

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
      indexingPolicy: { indexingMode: 'consistent', automatic: true, includedPaths: [{ path: '/*' }], excludedPaths: [{ path: '/data/*' }, { path: '/"_etag"/?' }] },
    },
  }, { parent, protect });
}
