/**
 * Built-in Azure role definition ids the runtime identity is granted (ADR 0123), by name, so
 * specs and the policy pack can check that no Owner/Contributor/User Access Administrator is used.
 */
export const ROLE_IDS = {
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975',
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  schemaRegistryReader: '2c56ea50-c6b3-40a6-83c0-9d98858bc7d2',
  searchIndexDataContributor: '8ebe5a00-799e-43f5-93ac-243d3dce84a7',
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultCryptoServiceEncryptionUser: 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
} as const;

/** Broad roles that must never be assigned by a Nexus stack. */
export const FORBIDDEN_ROLE_IDS = {
  owner: '8e3af657-a8ff-4c23-a75c-2a9d1a2e8ac3',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
} as const;

/** Cosmos DB SQL data-plane built-in role: Data Contributor (read/write items, no account control). */
export const COSMOS_DATA_CONTRIBUTOR = '00000000-0000-0000-0000-000000000002';

export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
