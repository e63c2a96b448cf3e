/**
 * The Azure runtime identity's grants (ADR 0123): each built-in data-plane role on the narrowest
 * scope Azure supports — specific hubs, the search service, the Web PubSub resource, the
 * Functions storage account, the Application Insights component — and the Cosmos DB SQL
 * Data Contributor role on the Nexus database only. No Owner, Contributor or User Access Admin.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb';
import type { Foundation } from './foundation';
import { COSMOS_DATA_CONTRIBUTOR, ROLE_IDS, roleDefinitionId } from './roles';
import { stableGuid } from './naming';

export interface Grant {
  readonly id: string;
  readonly role: keyof typeof ROLE_IDS;
  readonly scope: pulumi.Input<string>;
}

export function grantRoles(name: string, f: Foundation, grants: readonly Grant[], parent: pulumi.Resource): authorization.RoleAssignment[] {
  return grants.map((g) =>
    new authorization.RoleAssignment(`${name}-${g.id}`, {
      principalId: f.identity.principalId,
      // Service principal type avoids the replication race on a freshly created identity.
      principalType: 'ServicePrincipal',
      roleDefinitionId: f.subscriptionId.apply((s) => roleDefinitionId(s, ROLE_IDS[g.role])),
      scope: g.scope,
      description: `Nexus runtime: ${g.role}`,
    }, { parent }));
}

/** Cosmos DB data-plane RBAC: Data Contributor on `/dbs/<database>` of the account. */
export function grantCosmosData(name: string, f: Foundation, accountId: pulumi.Input<string>, accountName: pulumi.Input<string>, database: pulumi.Input<string>, parent: pulumi.Resource): cosmosdb.SqlResourceSqlRoleAssignment {
  return new cosmosdb.SqlResourceSqlRoleAssignment(`${name}-cosmos-data`, {
    resourceGroupName: f.resourceGroupName,
    accountName,
    roleAssignmentId: stableGuid(`${f.ctx.seed}/${name}/cosmos-data`),
    roleDefinitionId: pulumi.interpolate`${accountId}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
    principalId: f.identity.principalId,
    scope: pulumi.interpolate`${accountId}/dbs/${database}`,
  }, { parent });
}
