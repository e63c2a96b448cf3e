/**
 * Storage rules (policies/storage.ts) on AWS, GCP and Azure: a happy-path event store per cloud
 * passes; each mutation breaks exactly the rule it targets.
 */
import {
  eventLogNoTtl, eventStoreDeletionProtection, eventStoreEncrypted, eventStorePointInTimeRecovery,
} from '../../policies/storage';
import { assertNoViolations, assertViolation, resourceViolations, stackViolations, withProp, type Synth } from './harness';

const awsTable = (name = 'nexus-prod-store-events', props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:dynamodb/table:Table', name, component: 'eventstore',
  props: {
    billingMode: 'PAY_PER_REQUEST', serverSideEncryption: { enabled: true, kmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/k' },
    pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true, tags: { 'nexus-environment': 'prod' }, ...props,
  },
});
const gcpDatabase = (props: Record<string, unknown> = {}): Synth => ({
  type: 'gcp:firestore/database:Database', name: 'nexus-prod-store-db', component: 'eventstore', stack: 'gcp-prod',
  props: {
    name: 'nexus-prod-store', cmekConfig: { kmsKeyName: 'projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k' },
    pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED', deleteProtectionState: 'DELETE_PROTECTION_ENABLED', ...props,
  },
});
const gcpEventsField = (props: Record<string, unknown> = {}): Synth => ({
  type: 'gcp:firestore/field:Field', name: 'nexus-prod-store-events-data', component: 'eventstore', stack: 'gcp-prod',
  props: { collection: 'nexus_events', field: 'data', indexConfig: {}, ...props },
});
const azureAccount = (props: Record<string, unknown> = {}): Synth => ({
  type: 'azure-native:cosmosdb:DatabaseAccount', name: 'nexus-prod-store-cosmos', component: 'eventstore', stack: 'azure-prod',
  props: { accountName: 'nexus-prod-store-1', keyVaultKeyUri: 'https://kv.vault.azure.net/keys/k', backupPolicy: { type: 'Continuous' }, tags: { 'nexus-environment': 'prod' }, ...props },
});
const azureLock: Synth = {
  type: 'azure-native:authorization:ManagementLockByScope', name: 'nexus-prod-store-cosmos-lock', component: 'eventstore', stack: 'azure-prod',
  props: { level: 'CanNotDelete', scope: '/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/nexus-prod-store-1' },
};
const azureContainer = (id: string, resource: Record<string, unknown> = {}): Synth => ({
  type: 'azure-native:cosmosdb:SqlResourceSqlContainer', name: `nexus-prod-store-${id}`, component: 'eventstore', stack: 'azure-prod',
  props: { containerName: id, resource: { id, ...resource } },
});

describe('policies/storage: event-store-encrypted', () => {
  for (const [cloud, happy, unkeyed] of [
    ['aws', awsTable(), awsTable(undefined, { serverSideEncryption: { enabled: true } })],
    ['gcp', gcpDatabase(), gcpDatabase({ cmekConfig: undefined })],
    ['azure', azureAccount(), azureAccount({ keyVaultKeyUri: undefined })],
  ] as const) {
    it(`${cloud}: a customer-managed key passes`, async () => assertNoViolations(await resourceViolations(eventStoreEncrypted, happy)));
    it(`${cloud}: a provider-managed key in prod is a violation`, async () => {
      assertViolation(await resourceViolations(eventStoreEncrypted, unkeyed), /provider-managed key in environment "(prod|gcp-prod)"; expected a customer-managed key/);
    });
  }
  it('aws: SSE switched off entirely is a violation too (AWS-owned key)', async () => {
    assertViolation(await resourceViolations(eventStoreEncrypted, awsTable(undefined, { serverSideEncryption: undefined })), /provider-managed key/);
  });
  it('a provider-managed key is allowed in dev', async () => {
    const dev = awsTable('nexus-dev-store-events', { serverSideEncryption: undefined, tags: { 'nexus-environment': 'dev' } });
    assertNoViolations(await resourceViolations(eventStoreEncrypted, dev));
  });
  it('devEnvironments is configurable', async () => {
    const staging = awsTable(undefined, { serverSideEncryption: undefined, tags: { 'nexus-environment': 'staging' } });
    assertViolation(await resourceViolations(eventStoreEncrypted, staging), /staging/);
    assertNoViolations(await resourceViolations(eventStoreEncrypted, staging, { devEnvironments: ['dev', 'staging'] }));
  });
  it('tables outside the EventStore component are not judged', async () => {
    assertNoViolations(await resourceViolations(eventStoreEncrypted, { ...awsTable(undefined, { serverSideEncryption: undefined }), component: 'notifications' }));
  });
});

describe('policies/storage: event-store-point-in-time-recovery', () => {
  for (const [cloud, happy, off] of [
    ['aws', awsTable('nexus-prod-store-snapshots'), awsTable('nexus-prod-store-snapshots', { pointInTimeRecovery: { enabled: false } })],
    ['gcp', gcpDatabase(), gcpDatabase({ pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_DISABLED' })],
    ['azure', azureAccount(), azureAccount({ backupPolicy: { type: 'Periodic' } })],
  ] as const) {
    it(`${cloud}: recovery on passes`, async () => assertNoViolations(await resourceViolations(eventStorePointInTimeRecovery, happy)));
    it(`${cloud}: recovery off is a violation`, async () => assertViolation(await resourceViolations(eventStorePointInTimeRecovery, off), /no point-in-time recovery/));
  }
});

describe('policies/storage: event-log-no-ttl', () => {
  it('aws: an events table without TTL passes; with TTL it is a violation', async () => {
    assertNoViolations(await resourceViolations(eventLogNoTtl, awsTable()));
    assertViolation(await resourceViolations(eventLogNoTtl, awsTable(undefined, { ttl: { attributeName: 'ttl', enabled: true } })), /lets events expire/);
  });
  it('aws: TTL on the checkpoints table is fine', async () => {
    assertNoViolations(await resourceViolations(eventLogNoTtl, awsTable('nexus-prod-store-checkpoints', { ttl: { attributeName: 'ttl', enabled: true } })));
  });
  it('gcp: a TTL field config on the events collection is a violation', async () => {
    assertNoViolations(await resourceViolations(eventLogNoTtl, gcpEventsField()));
    assertViolation(await resourceViolations(eventLogNoTtl, gcpEventsField({ field: 'recordedAt', ttlConfig: {} })), /nexus_events\.recordedAt lets events expire/);
  });
  it('azure: defaultTtl on the events container is a violation, on idempotency it is fine', async () => {
    assertNoViolations(await resourceViolations(eventLogNoTtl, azureContainer('events')));
    assertNoViolations(await resourceViolations(eventLogNoTtl, azureContainer('idempotency', { defaultTtl: -1 })));
    assertViolation(await resourceViolations(eventLogNoTtl, azureContainer('events', { defaultTtl: -1 })), /container events lets events expire/);
  });
});

describe('policies/storage: event-store-deletion-protection (stack)', () => {
  it('aws: protected tables pass; an unprotected prod table is a violation', async () => {
    assertNoViolations(await stackViolations(eventStoreDeletionProtection, [awsTable()]));
    assertViolation(await stackViolations(eventStoreDeletionProtection, [awsTable(undefined, { deletionProtectionEnabled: false })]), /can be deleted in environment "prod"/);
  });
  it('aws: protect: true counts as protection; dev is exempt', async () => {
    assertNoViolations(await stackViolations(eventStoreDeletionProtection, [{ ...awsTable(undefined, { deletionProtectionEnabled: false }), protect: true }]));
    const dev = awsTable('nexus-dev-store-events', { deletionProtectionEnabled: false, tags: { 'nexus-environment': 'dev' } });
    assertNoViolations(await stackViolations(eventStoreDeletionProtection, [dev]));
  });
  it('gcp: deleteProtectionState disabled is a violation', async () => {
    assertNoViolations(await stackViolations(eventStoreDeletionProtection, [gcpDatabase()]));
    assertViolation(await stackViolations(eventStoreDeletionProtection, [gcpDatabase({ deleteProtectionState: 'DELETE_PROTECTION_DISABLED' })]), /Firestore database nexus-prod-store can be deleted/);
  });
  it('azure: the account needs a CanNotDelete lock scoped to it', async () => {
    assertNoViolations(await stackViolations(eventStoreDeletionProtection, [azureAccount(), azureLock]));
    assertViolation(await stackViolations(eventStoreDeletionProtection, [azureAccount()]), /Cosmos DB account nexus-prod-store-1 can be deleted/);
    const otherLock = { ...azureLock, props: withProp(azureLock.props, 'scope', '/subscriptions/s/resourceGroups/g/providers/Microsoft.Search/searchServices/x') };
    assertViolation(await stackViolations(eventStoreDeletionProtection, [azureAccount(), otherLock]), /can be deleted/);
  });
});
