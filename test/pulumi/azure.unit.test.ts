/**
 * The Azure provider under Pulumi mocks: the program (index.ts) with the azure-prod stack config,
 * and the same stack as dev, creates the expected resources with the platform's security settings
 * (continuous backup, no public network access behind private endpoints, local auth off, CMK in
 * prod, deletion locks, dead letters in Cosmos, narrowly scoped roles and no Owner/Contributor),
 * children named after their component, and a schema-valid manifest of the azure kinds.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runProgram, ROOT, stackConfig, type ProgramRun, type Recorded } from './gcpAzureHarness';
import { azureMocks, SUBSCRIPTION } from './azureMocks';
import { byUrn, manifestOf, plan } from './plans';
import { planStack } from '../../runtime/cli/plan/runStack';
import { isComponentToken } from '../../components/tokens';
import { manifestProblems, parseManifest } from '../../runtime/manifestValidation';
import type { NexusManifest } from '../../runtime/manifest';
import { FORBIDDEN_ROLE_IDS, ROLE_IDS } from '../../providers/azure/roles';
import { scheduledFailureQuery } from '../../providers/azure/observabilitySignals';

const A = (t: string) => `azure-native:${t}`;
const T = {
  cosmos: A('cosmosdb:DatabaseAccount'),
  container: A('cosmosdb:SqlResourceSqlContainer'),
  sqlRole: A('cosmosdb:SqlResourceSqlRoleAssignment'),
  ehns: A('eventhub:Namespace'),
  hub: A('eventhub:EventHub'),
  cg: A('eventhub:ConsumerGroup'),
  schemaGroup: A('eventhub:SchemaRegistry'),
  search: A('search:Service'),
  wps: A('webpubsub:WebPubSub'),
  app: A('web:WebApp'),
  plan: A('web:AppServicePlan'),
  storage: A('storage:StorageAccount'),
  role: A('authorization:RoleAssignment'),
  lock: A('authorization:ManagementLockByScope'),
  vault: A('keyvault:Vault'),
  key: A('keyvault:Key'),
  pe: A('network:PrivateEndpoint'),
  alert: A('monitor:MetricAlert'),
  logAlert: A('monitor:ScheduledQueryRule'),
  workbook: A('applicationinsights:Workbook'),
};
const P = 'nexus-azure-prod';
const roleGuid = (r: Recorded) => String(r.inputs.roleDefinitionId).split('/').pop();

describe('Azure provider under mocks: azure-prod stack', function () {
  this.timeout(120_000);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram('azure-prod', azureMocks);
  });

  it('ran under the mocks with the expected project and stack', () => {
    assert.equal(run.project, 'nexus');
    assert.equal(run.stack, 'azure-prod');
    assert.equal(run.outputs.cloud, 'azure');
  });

  it('Cosmos DB: continuous backup, private only, Entra ID only, TLS 1.2, CMK, locked', () => {
    const c = run.one(T.cosmos, 'store-cosmos');
    assert.equal(c.inputs.backupPolicy.type, 'Continuous');
    assert.equal(c.inputs.backupPolicy.continuousModeProperties.tier, 'Continuous30Days');
    assert.equal(c.inputs.publicNetworkAccess, 'Disabled');
    assert.equal(c.inputs.disableLocalAuth, true);
    assert.equal(c.inputs.minimalTlsVersion, 'Tls12');
    assert.match(String(c.inputs.keyVaultKeyUri), /^https:\/\/.+\.vault\.azure\.net\/keys\/.+-cosmos-cmk$/);
    assert.match(String(c.inputs.defaultIdentity), /^UserAssignedIdentity=\/subscriptions\//);
    assert.ok(run.ofType(T.lock).some((l) => l.inputs.scope === `/subscriptions/${SUBSCRIPTION}/resourceGroups/${P}-rg/providers/Microsoft.cosmosdb/DatabaseAccount/${c.inputs.accountName}`));
    assert.ok(run.ofType(T.pe).some((p) => p.inputs.privateLinkServiceConnections[0].groupIds[0] === 'Sql'));
  });

  it('creates the event-store containers (events by stream) and the dead-letter container', () => {
    const byId = new Map(run.ofType(T.container).map((c) => [c.inputs.containerName as string, c.inputs.resource.partitionKey.paths[0] as string]));
    assert.equal(byId.get('events'), '/streamId');
    assert.equal(byId.get('snapshots'), '/streamId');
    assert.equal(byId.get('leases'), '/id');
    assert.equal(byId.get('checkpoints'), '/id');
    assert.equal(byId.get('deadletters'), '/group');
  });

  it('Event Hubs: Premium with CMK in prod, TLS 1.2, no public access, local auth off; a consumer group per group and hub', () => {
    const ns = run.one(T.ehns, 'bus-ehns');
    assert.equal(ns.inputs.sku.name, 'Premium');
    assert.equal(ns.inputs.minimumTlsVersion, '1.2');
    assert.equal(ns.inputs.publicNetworkAccess, 'Disabled');
    assert.equal(ns.inputs.disableLocalAuth, true);
    assert.equal(ns.inputs.encryption.keySource, 'Microsoft.KeyVault');
    assert.deepEqual(run.ofType(T.hub).map((h) => h.inputs.eventHubName).sort(), ['core', 'noncritical']);
    assert.deepEqual(run.ofType(T.cg).map((g) => `${g.inputs.eventHubName}/${g.inputs.consumerGroupName}`).sort(),
      ['core/projections', 'core/sagas', 'noncritical/projections', 'noncritical/sagas']);
    assert.equal(run.one(T.schemaGroup, 'registry-group').inputs.schemaType, 'Avro');
  });

  it('keeps every data service private: AI Search, Key Vault, Storage; Web PubSub accepts client connections only', () => {
    const s = run.one(T.search, 'search-search');
    assert.equal(s.inputs.publicNetworkAccess, 'Disabled');
    assert.equal(s.inputs.disableLocalAuth, true);
    assert.equal(s.inputs.encryptionWithCmk.enforcement, 'Enabled');
    const v = run.ofType(T.vault)[0]!;
    assert.equal(v.inputs.properties.enablePurgeProtection, true);
    assert.equal(v.inputs.properties.publicNetworkAccess, 'Disabled');
    assert.equal(v.inputs.properties.enableRbacAuthorization, true);
    const st = run.ofType(T.storage)[0]!;
    assert.equal(st.inputs.allowSharedKeyAccess, false);
    assert.equal(st.inputs.allowBlobPublicAccess, false);
    assert.equal(st.inputs.publicNetworkAccess, 'Disabled');
    const w = run.ofType(T.wps)[0]!;
    assert.equal(w.inputs.disableLocalAuth, true);
    assert.deepEqual(w.inputs.networkACLs.publicNetwork.allow, ['ClientConnection']);
    for (const r of run.resources) {
      const access = r.inputs.publicNetworkAccess ?? r.inputs.properties?.publicNetworkAccess;
      if (access === undefined || r.type === T.app || r.type === T.wps) continue;
      assert.equal(access, 'Disabled', `${r.type} ${r.name} has public network access`);
    }
    const groups = new Set(run.ofType(T.pe).map((p) => p.inputs.privateLinkServiceConnections[0].groupIds[0]));
    for (const g of ['Sql', 'namespace', 'searchService', 'vault', 'blob', 'webpubsub']) assert.ok(groups.has(g), `private endpoint ${g}`);
  });

  it('runs the runtime as a VNet-integrated Flex Consumption Function App on Node 22 with identity-only settings', () => {
    assert.equal(run.ofType(T.plan)[0]!.inputs.sku.name, 'FC1');
    const app = run.ofType(T.app)[0]!;
    assert.equal(app.inputs.httpsOnly, true);
    assert.equal(app.inputs.siteConfig.minTlsVersion, '1.2');
    assert.equal(app.inputs.functionAppConfig.runtime.version, '22');
    assert.ok(app.inputs.virtualNetworkSubnetId, 'VNet integration');
    const settings = new Map((app.inputs.siteConfig.appSettings as Array<{ name: string; value: string }>).map((s) => [s.name, s.value]));
    assert.equal(settings.get('NexusCosmos__credential'), 'managedidentity');
    assert.equal(settings.get('NEXUS_JWKS_URL'), 'https://auth.example.com/.well-known/jwks.json', 'the API verifies tokens (nexus:authJwksUrl)');
    assert.match(String(settings.get('NEXUS_SEARCH_CMK_KEY_NAME')), /-search-cmk$/, 'indexes can name the enforced search key');
    assert.equal((JSON.parse(settings.get('NEXUS_MANIFEST')!) as NexusManifest).bus.kind, 'eventhubs');
    for (const [k, v] of settings) assert.doesNotMatch(`${k}=${v}`, /AccountKey=|SharedAccessKey=/, 'no keys in settings');
  });

  it('schedules the saga timeout timer every minute next to the snapshot timer', () => {
    const app = run.ofType(T.app)[0]!;
    const settings = new Map((app.inputs.siteConfig.appSettings as Array<{ name: string; value: string }>).map((s) => [s.name, s.value]));
    // The sagaTimeoutTimer binding reads %NEXUS_SAGA_TIMEOUT_SCHEDULE% (six-field NCRONTAB, seconds first).
    assert.equal(settings.get('NEXUS_SAGA_TIMEOUT_SCHEDULE'), '0 * * * * *');
    assert.equal(settings.get('NEXUS_SNAPSHOT_SCHEDULE'), '0 */15 * * * *');
  });

  it('grants narrowly scoped data roles only, never Owner/Contributor/User Access Administrator', () => {
    const roles = run.ofType(T.role);
    const forbidden = new Set<string>(Object.values(FORBIDDEN_ROLE_IDS));
    for (const r of roles) {
      assert.ok(!forbidden.has(roleGuid(r)!), `${r.name} assigns a broad role`);
      assert.ok(!/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?$/.test(String(r.inputs.scope)), `${r.name} is scoped to a resource, not a subscription or group`);
    }
    const senders = roles.filter((r) => roleGuid(r) === ROLE_IDS.eventHubsDataSender).map((r) => String(r.inputs.scope).split('/').pop());
    assert.deepEqual(senders.sort(), ['core', 'noncritical'], 'sender role on the two hubs only');
    const sql = run.ofType(T.sqlRole);
    assert.equal(sql.length, 1);
    assert.match(String(sql[0]!.inputs.scope), /\/dbs\/nexus$/);
    assert.match(String(sql[0]!.inputs.roleDefinitionId), /sqlRoleDefinitions\/00000000-0000-0000-0000-000000000002$/);
  });

  it('alerts on dead letters, relay lag and throttling, and builds a workbook', () => {
    const names = run.ofType(T.alert).map((a) => a.name);
    for (const id of ['dlq-depth', 'relay-lag', 'cosmos-throttling', 'eventhubs-throttling']) assert.ok(names.some((n) => n.endsWith(id)), id);
    assert.equal(run.ofType(T.workbook).length, 1);
    const budget = run.ofType(A('consumption:Budget'))[0]!;
    assert.equal(budget.inputs.amount, 6500, 'nexus:monthlyBudgetUsd of the stack');
    assert.match(String(budget.inputs.scope), new RegExp(`/resourceGroups/${P}-rg$`));
    for (const a of run.ofType(T.alert)) assert.equal(a.inputs.actions.length, 1, 'alerts notify the action group');
  });

  it('alerts on failed timer runs (snapshots, sagaTimeouts) with a log query over Application Insights requests, to the action group', () => {
    assert.equal(run.ofType(T.alert).length, 7, 'metric alerts: dlq-depth, relay-lag, consumer-lag, cosmos-throttling, eventhubs-throttling, eventhubs-errors, api-5xx');
    assert.equal(run.ofType(T.logAlert).length, 1);
    const rule = run.one(T.logAlert, 'observability-scheduler-failures');
    const insights = run.one(A('applicationinsights:Component'), 'runtime-insights');
    assert.deepEqual(rule.inputs.scopes, [insights.id], 'the runtime\'s Application Insights');
    assert.equal(rule.inputs.kind, 'LogAlert');
    assert.equal(rule.inputs.enabled, true);
    assert.equal(rule.inputs.evaluationFrequency, 'PT5M');
    assert.equal(rule.inputs.windowSize, 'PT10M');
    const [c, ...more] = rule.inputs.criteria.allOf as Array<{ query: string; timeAggregation: string; operator: string; threshold: number; dimensions: Array<{ name: string; operator: string; values: string[] }> }>;
    assert.equal(more.length, 0);
    assert.match(c!.query, /^requests\n/);
    assert.match(c!.query, /\| where name in \("snapshots", "sagaTimeouts"\) and success == false/);
    assert.deepEqual([c!.timeAggregation, c!.operator, c!.threshold], ['Count', 'GreaterThan', 0], 'any failed run');
    assert.deepEqual(c!.dimensions, [{ name: 'name', operator: 'Include', values: ['snapshots', 'sagaTimeouts'] }], 'one alert per function');
    const group = run.one(A('monitor:ActionGroup'), 'observability-oncall');
    assert.deepEqual(rule.inputs.actions, { actionGroups: [group.id] }, 'the same action group as the metric alerts');
    for (const a of run.ofType(T.alert)) assert.deepEqual(a.inputs.actions, [{ actionGroupId: group.id }], a.name);
    assert.throws(() => scheduledFailureQuery(['snap"shots']), /"snap\\"shots" is not a function name/);
    assert.throws(() => scheduledFailureQuery([]), /no function names/);
  });

  it('exports a schema-valid manifest of the Azure kinds with dead letters in Cosmos', () => {
    const m = parseManifest(run.outputs.manifest);
    assert.equal(m.cloud, 'azure');
    assert.equal(m.eventStore.kind, 'cosmos');
    assert.equal(m.registry.kind, 'azure-schema-registry');
    assert.equal(m.search.kind, 'azure-ai-search');
    assert.equal(m.notifications.kind, 'webpubsub');
    assert.ok(m.bus.kind === 'eventhubs' && m.bus.deadLetter.kind === 'cosmos' && m.bus.deadLetter.container === 'deadletters');
    assert.ok(m.eventStore.kind === 'cosmos' && m.bus.kind === 'eventhubs' && m.bus.deadLetter.endpoint === m.eventStore.endpoint, 'same account');
  });
});

describe('Azure provider under mocks: the same stack as dev', function () {
  this.timeout(120_000);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram('azure-prod', azureMocks, { 'nexus:environment': 'dev', 'nexus:alarmEmails': '[]' });
  });

  it('uses Microsoft-managed keys, Event Hubs Standard and no locks, but keeps continuous backup and private access', () => {
    assert.equal(run.stack, 'azure-prod');
    assert.equal(run.ofType(T.vault).length, 0);
    assert.equal(run.ofType(T.lock).length, 0);
    assert.equal(run.ofType(T.ehns)[0]!.inputs.sku.name, 'Standard');
    const c = run.ofType(T.cosmos)[0]!;
    assert.equal(c.inputs.keyVaultKeyUri, undefined);
    assert.equal(c.inputs.backupPolicy.type, 'Continuous');
    assert.equal(c.inputs.publicNetworkAccess, 'Disabled');
  });
});

describe('Azure provider: resource graph and manifest contract (nexus plan mocks)', function () {
  this.timeout(120_000);

  it('captures a connected graph whose children are named after their component; stores are protected', async () => {
    const p = await plan('azure-prod');
    const urns = byUrn(p);
    for (const r of p.resources) {
      if (r.type === 'nexus:platform:NexusPlatform') continue;
      assert.ok(r.parent && urns.has(r.parent), `${r.name} has a parent in the graph`);
      for (const d of [...r.dependsOn, ...Object.values(r.propertyDependencies).flat()]) assert.ok(urns.has(d), `${r.name} depends on unknown ${d}`);
      const parent = urns.get(r.parent);
      if (parent && isComponentToken(parent.type)) assert.ok(r.name.startsWith(`${parent.name}-`) || r.name.startsWith(`${P}-`), `${r.name} under ${parent.name}`);
    }
    for (const r of p.resources.filter((x) => [T.cosmos, T.ehns, T.search, T.vault].includes(x.type))) assert.equal(r.protect, true, `${r.name} protected`);
    assert.deepEqual(manifestProblems(manifestOf(p)), []);
  });

  it('two platforms in one stack do not collide (URNs and globally unique names)', async () => {
    const twins = await planStack({ stack: 'azure-twins', root: ROOT, config: stackConfig('azure-prod'), program: path.join(__dirname, 'gcpAzureTwins.fixture.ts') });
    const urns = twins.resources.map((r) => r.urn);
    assert.equal(new Set(urns).size, urns.length, 'unique URNs');
    const globals = twins.resources.flatMap((r) => ['accountName', 'namespaceName', 'searchServiceName', 'vaultName'].map((k) => (r.inputs as Record<string, unknown>)[k])
      .filter((v): v is string => typeof v === 'string' && [T.cosmos, T.ehns, T.search, T.vault, T.storage, T.wps].includes(r.type)));
    assert.equal(new Set(globals).size, globals.length, `duplicate global names: ${globals.join(', ')}`);
    const a = parseManifest(twins.outputs.alphaManifest);
    const b = parseManifest(twins.outputs.betaManifest);
    assert.notDeepEqual(a.eventStore, b.eventStore);
  });
});
