/**
 * The GCP provider under Pulumi mocks: the program (index.ts) with the gcp-prod stack config, and
 * the same stack as dev, creates the expected resources with the platform's security settings
 * (CMEK, PITR, delete protection, DLQ on every consumer subscription, no public data plane, no
 * basic roles), child names derived from the component name, and a manifest of the gcp kinds.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram, ROOT, stackConfig, type ProgramRun } from './gcpAzureHarness';
import { gcpMocks } from './gcpMocks';
import { byUrn, manifestOf, plan } from './plans';
import { planStack } from '../../runtime/cli/plan/runStack';
import { isComponentToken } from '../../components/tokens';
import { manifestProblems, parseManifest } from '../../runtime/manifestValidation';
import type { NexusManifest } from '../../runtime/manifest';

const T = {
  db: 'gcp:firestore/database:Database',
  index: 'gcp:firestore/index:Index',
  topic: 'gcp:pubsub/topic:Topic',
  sub: 'gcp:pubsub/subscription:Subscription',
  topicIam: 'gcp:pubsub/topicIAMMember:TopicIAMMember',
  subIam: 'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember',
  projectIam: 'gcp:projects/iAMMember:IAMMember',
  schema: 'gcp:pubsub/schema:Schema',
  run: 'gcp:cloudrunv2/service:Service',
  runIam: 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember',
  key: 'gcp:kms/cryptoKey:CryptoKey',
  alert: 'gcp:monitoring/alertPolicy:AlertPolicy',
  dashboard: 'gcp:monitoring/dashboard:Dashboard',
  trigger: 'gcp:eventarc/trigger:Trigger',
  job: 'gcp:cloudscheduler/job:Job',
  logMetric: 'gcp:logging/metric:Metric',
};

/** index.ts names the platform after the stack. */
const P = 'nexus-gcp-prod';

/** Distinct subjects in schemas/ (files are `<context>/<EventType>.v<N>.avsc`). */
function subjectCount(): number {
  const dir = path.join(ROOT, 'schemas');
  if (!fs.existsSync(dir)) return 0;
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.avsc'));
  return new Set(files.map((f) => f.replace(/\.v\d+\.avsc$/, ''))).size;
}

describe('GCP provider under mocks: gcp-prod stack', function () {
  this.timeout(60_000);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram('gcp-prod', gcpMocks);
  });

  it('ran under the mocks with the expected project and stack', () => {
    assert.equal(run.project, 'nexus');
    assert.equal(run.stack, 'gcp-prod');
    assert.equal(run.outputs.cloud, 'gcp');
  });

  it('creates two Firestore databases (events, read models) with PITR, delete protection and CMEK', () => {
    const dbs = run.ofType(T.db);
    assert.deepEqual(dbs.map((d) => d.name).sort(), [`${P}-search-db`, `${P}-store-db`]);
    for (const d of dbs) {
      assert.equal(d.inputs.pointInTimeRecoveryEnablement, 'POINT_IN_TIME_RECOVERY_ENABLED', d.name);
      assert.equal(d.inputs.deleteProtectionState, 'DELETE_PROTECTION_ENABLED', d.name);
      assert.equal(d.inputs.deletionPolicy, 'PREVENT', d.name);
      assert.match(String(d.inputs.cmekConfig?.kmsKeyName), new RegExp(`/cryptoKeys/${P}-(store|search)-firestore$`), d.name);
      assert.equal(d.inputs.locationId, 'europe-west1');
    }
  });

  it('declares the composite indexes the event store queries (stream by version, snapshots)', () => {
    const fields = run.ofType(T.index).map((i) => `${i.inputs.collection}:${(i.inputs.fields as Array<{ fieldPath: string; order?: string; arrayConfig?: string }>).map((f) => `${f.fieldPath}/${f.order ?? f.arrayConfig}`).join(',')}`);
    assert.ok(fields.includes('nexus_events:streamId/ASCENDING,version/ASCENDING'), fields.join('\n'));
    assert.ok(fields.includes('nexus_events:streamId/ASCENDING,version/DESCENDING'));
    assert.ok(fields.includes('nexus_snapshots:streamId/ASCENDING,version/DESCENDING'));
    const unindexed = run.ofType('gcp:firestore/field:Field').filter((f) => f.inputs.ttlConfig === undefined).map((f) => `${f.inputs.collection}.${f.inputs.field}`).sort();
    assert.deepEqual(unindexed, ['docs.doc', 'nexus_events.data', 'nexus_events.metadata', 'nexus_snapshots.state'], 'JSON payloads are not indexed');
  });

  it('encrypts every topic with a rotated customer-managed key', () => {
    const topics = run.ofType(T.topic);
    assert.ok(topics.length >= 4, 'core, noncritical, deadletter, notifications');
    for (const t of topics) assert.match(String(t.inputs.kmsKeyName), /cryptoKeys\//, t.name);
    for (const k of run.ofType(T.key)) assert.equal(k.inputs.rotationPeriod, '7776000s', k.name);
  });

  it('gives every consumer subscription a dead-letter topic, max attempts and a retry policy; core is ordered', () => {
    const consumers = run.ofType(T.sub).filter((s) => s.inputs.labels?.['nexus-role'] !== 'deadletter');
    assert.equal(consumers.length, 4, 'projections and sagas × core and noncritical');
    const dlqTopic = run.one(T.topic, 'bus-deadletter');
    for (const s of consumers) {
      assert.equal(s.inputs.deadLetterPolicy?.deadLetterTopic, `projects/nexus-prod-123456/topics/${dlqTopic.inputs.name}`, s.name);
      assert.equal(s.inputs.deadLetterPolicy?.maxDeliveryAttempts, 6, `${s.name}: Pub/Sub backstop one attempt after the runtime's own dead-lettering`);
      assert.ok(s.inputs.retryPolicy?.minimumBackoff && s.inputs.retryPolicy?.maximumBackoff, s.name);
      assert.equal(s.inputs.enableMessageOrdering, s.name.endsWith('-core'), s.name);
      assert.match(String(s.inputs.pushConfig?.pushEndpoint), /^https:\/\/.*-worker-.*\/_nexus\/consume$/);
      assert.ok(s.inputs.pushConfig?.oidcToken?.serviceAccountEmail, 'push is authenticated');
    }
  });

  it('lets the Pub/Sub service agent publish to the DLQ and ack on every consumer subscription', () => {
    const agent = 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com';
    const dlq = run.one(T.topic, 'bus-deadletter');
    assert.ok(run.ofType(T.topicIam).some((b) => b.inputs.member === agent && b.inputs.role === 'roles/pubsub.publisher' && b.inputs.topic === dlq.inputs.name));
    const subscribed = new Set(run.ofType(T.subIam).filter((b) => b.inputs.member === agent).map((b) => b.inputs.subscription));
    for (const s of run.ofType(T.sub).filter((x) => x.inputs.labels?.['nexus-role'] !== 'deadletter')) assert.ok(subscribed.has(s.inputs.name), s.name);
  });

  it('grants no basic roles and scopes datastore.user to one database by condition', () => {
    const bindings = [...run.ofType(T.projectIam), ...run.ofType(T.topicIam), ...run.ofType(T.subIam), ...run.ofType(T.runIam)];
    for (const b of bindings) assert.ok(!['roles/owner', 'roles/editor', 'roles/viewer'].includes(b.inputs.role), `${b.name}: ${b.inputs.role}`);
    const ds = run.ofType(T.projectIam).filter((b) => b.inputs.role === 'roles/datastore.user');
    assert.equal(ds.length, 4, 'api and worker × two databases');
    const dlq = run.one(T.topic, 'bus-deadletter');
    const worker = run.one('gcp:serviceaccount/account:Account', 'runtime-worker-sa');
    assert.ok(run.ofType(T.topicIam).some((b) => b.inputs.topic === dlq.id && b.inputs.role === 'roles/pubsub.publisher' && String(b.inputs.member).includes(String(worker.inputs.accountId))),
      'consumers dead-letter by publishing to the dead-letter topic');
    for (const b of ds) assert.match(String(b.inputs.condition?.expression), new RegExp(`^resource\\.name == "projects/nexus-prod-123456/databases/${P}-(store|search)"$`));
  });

  it('exposes only the API publicly; the worker is internal and invoked by the invoker identity', () => {
    const api = run.one(T.run, 'runtime-api');
    const worker = run.one(T.run, 'runtime-worker');
    assert.equal(api.inputs.ingress, 'INGRESS_TRAFFIC_ALL');
    assert.equal(worker.inputs.ingress, 'INGRESS_TRAFFIC_INTERNAL_ONLY');
    const publicBindings = run.ofType(T.runIam).filter((b) => b.inputs.member === 'allUsers');
    assert.deepEqual(publicBindings.map((b) => b.inputs.name), [api.inputs.name]);
    const bucket = run.one('gcp:storage/bucket:Bucket', 'runtime-source');
    assert.equal(bucket.inputs.publicAccessPrevention, 'enforced');
    assert.equal(bucket.inputs.uniformBucketLevelAccess, true);
    const env = (api.inputs.template.containers[0].envs as Array<{ name: string; value: string }>).find((e) => e.name === 'NEXUS_MANIFEST');
    assert.equal((JSON.parse(env!.value) as NexusManifest).cloud, 'gcp', 'the manifest reaches the service');
    const envOf = (svc: typeof api) => new Map((svc.inputs.template.containers[0].envs as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));
    assert.equal(envOf(api).get('NEXUS_JWKS_URL'), 'https://auth.example.com/.well-known/jwks.json', 'the API verifies tokens (nexus:authJwksUrl)');
    assert.equal(envOf(api).get('NEXUS_JWT_AUDIENCE'), 'nexus-api');
    assert.equal(envOf(worker).get('NEXUS_JWKS_URL'), undefined, 'the internal worker serves no user requests');
    assert.equal(envOf(api).get('NEXUS_ROLE'), 'api');
    assert.equal(envOf(worker).get('NEXUS_ROLE'), 'worker');
  });

  it('wires the relay to an Eventarc Firestore trigger and snapshots to Cloud Scheduler', () => {
    const trigger = run.one(T.trigger, 'relay-trigger');
    const criteria = trigger.inputs.matchingCriterias as Array<{ attribute: string; value: string }>;
    assert.deepEqual(criteria.find((c) => c.attribute === 'database')?.value, `${P}-store`);
    assert.equal(criteria.find((c) => c.attribute === 'type')?.value, 'google.cloud.firestore.document.v1.created');
    const job = run.one(T.job, 'runtime-snapshots');
    assert.equal(job.inputs.schedule, '*/15 * * * *');
    assert.ok(job.inputs.httpTarget.oidcToken.serviceAccountEmail);
  });

  it('fires saga timeouts every minute: Cloud Scheduler → the worker\'s /_nexus/saga-timeouts with the snapshot job\'s OIDC identity, retried', () => {
    assert.equal(run.ofType(T.job).length, 2, 'snapshots and saga timeouts');
    const job = run.one(T.job, 'runtime-saga-timeouts');
    const snapshots = run.one(T.job, 'runtime-snapshots');
    assert.equal(job.inputs.schedule, '* * * * *');
    assert.equal(job.inputs.timeZone, 'Etc/UTC');
    assert.equal(job.inputs.httpTarget.httpMethod, 'POST');
    const worker = run.one(T.run, 'runtime-worker');
    assert.match(String(job.inputs.httpTarget.uri), /^https:\/\/.*-worker-.*\/_nexus\/saga-timeouts$/);
    assert.equal(String(job.inputs.httpTarget.uri).replace('/_nexus/saga-timeouts', '/_nexus/snapshots'), snapshots.inputs.httpTarget.uri, 'the same worker as snapshots');
    assert.deepEqual(job.inputs.httpTarget.oidcToken, snapshots.inputs.httpTarget.oidcToken, 'same invoker identity and audience as the snapshot job');
    const invoker = run.one('gcp:serviceaccount/account:Account', 'runtime-invoker-sa');
    assert.ok(String(job.inputs.httpTarget.oidcToken.serviceAccountEmail).startsWith(`${String(invoker.inputs.accountId)}@`), 'the invoker identity');
    assert.ok(run.ofType(T.runIam).some((b) => b.inputs.name === worker.inputs.name && b.inputs.role === 'roles/run.invoker' && String(b.inputs.member).includes(String(invoker.inputs.accountId))),
      'that identity may invoke the internal-only worker');
    assert.ok(job.inputs.retryConfig.retryCount >= 1, 'a failed run (500) is retried');
    assert.ok(Number.parseInt(String(job.inputs.attemptDeadline), 10) <= 600, 'within the worker request timeout');
  });

  it('keeps the runtime logs in a bucket with the stack\'s retention', () => {
    const bucket = run.one('gcp:logging/projectBucketConfig:ProjectBucketConfig', 'runtime-logs');
    assert.equal(bucket.inputs.retentionDays, 90, 'nexus:logRetentionDays of gcp-prod');
    const sink = run.one('gcp:logging/projectSink:ProjectSink', 'runtime-logs-sink');
    assert.match(String(sink.inputs.filter), /service_name = \(".*-api" OR ".*-runtime-worker"\)/);
  });

  it('registers each subject (first version) as an Avro Pub/Sub schema, plus the config schema with the modes', () => {
    const schemas = run.ofType(T.schema);
    assert.equal(schemas.length, subjectCount() + 1);
    for (const s of schemas) assert.equal(s.inputs.type, 'AVRO');
    const config = schemas.find((s) => String(s.inputs.name).endsWith('~config'));
    assert.ok(config, 'config schema');
    const modes = JSON.parse((JSON.parse(String(config.inputs.definition)) as { doc: string }).doc) as Record<string, string>;
    assert.ok(modes[''], 'registry default mode');
  });

  it('creates alert policies (DLQ depth, relay lag, throttling) and a dashboard', () => {
    const names = run.ofType(T.alert).map((a) => String(a.inputs.displayName));
    for (const want of ['dead letters waiting', 'relay lag', 'Firestore throttling']) assert.ok(names.some((n) => n.includes(want)), want);
    assert.equal(run.ofType(T.dashboard).length, 1);
    for (const a of run.ofType(T.alert)) assert.ok((a.inputs.notificationChannels as unknown[]).length > 0, 'alerts notify on-call');
  });

  it('alerts on failed Cloud Scheduler attempts of this stack\'s two jobs (log-based metric → alert policy on the e-mail channels)', () => {
    assert.equal(run.ofType(T.alert).length, 7, 'dlq-depth, consumer-lag, relay-lag, firestore-throttling, pubsub-throttling, api-5xx, scheduler-failures');
    assert.equal(run.ofType(T.logMetric).length, 1);
    const metric = run.one(T.logMetric, 'observability-scheduler-failures');
    const filter = String(metric.inputs.filter);
    assert.match(filter, /resource\.type = "cloud_scheduler_job"/);
    assert.match(filter, /jsonPayload\."@type" = "type\.googleapis\.com\/google\.cloud\.scheduler\.logging\.AttemptFinished"/);
    assert.match(filter, /severity >= ERROR/);
    const urls = [...filter.matchAll(/jsonPayload\.url = \(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(' OR ').map((u) => JSON.parse(u) as string));
    const jobUrls = run.ofType(T.job).map((j) => String(j.inputs.httpTarget.uri));
    assert.equal(jobUrls.length, 2);
    assert.deepEqual(urls.sort(), jobUrls.sort(), 'exactly the target URLs of this stack\'s snapshot and saga timeout jobs');
    assert.equal(metric.inputs.metricDescriptor.metricKind, 'DELTA');
    assert.equal(metric.inputs.metricDescriptor.valueType, 'INT64');
    assert.equal(metric.inputs.labelExtractors.job_id, 'EXTRACT(resource.labels.job_id)');

    const alert = run.one(T.alert, 'observability-scheduler-failures');
    assert.match(String(alert.inputs.displayName), /scheduled runs failing/);
    const condition = (alert.inputs.conditions as Array<{ conditionThreshold: { filter: string; comparison: string; thresholdValue: number; aggregations: Array<{ alignmentPeriod: string; perSeriesAligner: string }> } }>)[0]!.conditionThreshold;
    assert.equal(condition.filter, `resource.type = "cloud_scheduler_job" AND metric.type = "logging.googleapis.com/user/${String(metric.inputs.name)}"`);
    assert.equal(condition.comparison, 'COMPARISON_GT');
    assert.equal(condition.thresholdValue, 0, 'any failed attempt');
    assert.deepEqual(condition.aggregations[0], { alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_DELTA' });
    const dlq = run.one(T.alert, 'observability-dlq-depth');
    assert.ok((alert.inputs.notificationChannels as unknown[]).length > 0);
    assert.deepEqual(alert.inputs.notificationChannels, dlq.inputs.notificationChannels, 'the same e-mail channels as the other alerts');
  });

  it('derives every child name from its component name', () => {
    for (const r of run.resources) assert.match(r.name, /^nexus(-|$)/, `${r.type} ${r.name}`);
  });

  it('exports a manifest of the GCP kinds', () => {
    const m = run.outputs.manifest as NexusManifest;
    assert.equal(m.cloud, 'gcp');
    assert.equal(m.eventStore.kind, 'firestore');
    assert.equal(m.bus.kind, 'pubsub');
    assert.equal(m.registry.kind, 'pubsub-schemas');
    assert.equal(m.search.kind, 'firestore');
    assert.equal(m.notifications.kind, 'cloudrun-websocket');
    if (m.bus.kind === 'pubsub') assert.deepEqual(Object.keys(m.bus.subscriptions).sort(), ['projections', 'sagas']);
    assert.equal(m.api?.url, `https://${P}-api-123456789012.europe-west1.run.app`);
  });
});

describe('GCP provider under mocks: the same stack as dev', function () {
  this.timeout(60_000);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram('gcp-prod', gcpMocks, { 'nexus:environment': 'dev', 'nexus:alarmEmails': '[]' });
  });

  it('uses Google-managed keys and no delete protection, but keeps PITR', () => {
    assert.equal(run.stack, 'gcp-prod');
    assert.equal(run.ofType(T.key).length, 0);
    for (const d of run.ofType(T.db)) {
      assert.equal(d.inputs.cmekConfig, undefined);
      assert.equal(d.inputs.deleteProtectionState, 'DELETE_PROTECTION_DISABLED');
      assert.equal(d.inputs.pointInTimeRecoveryEnablement, 'POINT_IN_TIME_RECOVERY_ENABLED');
    }
  });
});

describe('GCP provider: resource graph and manifest contract (nexus plan mocks)', function () {
  this.timeout(120_000);

  it('captures a connected graph whose children are named after their component', async () => {
    const p = await plan('gcp-prod');
    assert.equal(p.stack, 'gcp-prod');
    const urns = byUrn(p);
    for (const r of p.resources) {
      if (r.type === 'nexus:platform:NexusPlatform') continue;
      assert.ok(r.parent && urns.has(r.parent), `${r.name} has a parent in the graph`);
      for (const d of [...r.dependsOn, ...Object.values(r.propertyDependencies).flat()]) assert.ok(urns.has(d), `${r.name} depends on unknown ${d}`);
      const parent = urns.get(r.parent);
      if (parent && isComponentToken(parent.type)) assert.ok(r.name.startsWith(`${parent.name}-`), `${r.name} under ${parent.name}`);
    }
    const stores = p.resources.filter((r) => r.type === T.db);
    for (const s of stores) assert.equal(s.protect, true, `${s.name} is protected from pulumi destroy in prod`);
    const push = p.resources.filter((r) => r.type === T.sub && r.name.endsWith('-core'));
    for (const s of push) assert.ok(s.propertyDependencies.deadLetterPolicy?.some((u) => u.includes('pubsub/topic:Topic')), `${s.name} depends on its DLQ topic`);
  });

  it('exports a manifest that the runtime schema accepts', async () => {
    const p = await plan('gcp-prod');
    assert.deepEqual(manifestProblems(manifestOf(p)), []);
  });

  it('two platforms in one stack do not collide (URNs and physical names)', async () => {
    const config = stackConfig('gcp-prod');
    const twins = await planStack({ stack: 'gcp-twins', root: ROOT, config, program: path.join(__dirname, 'gcpAzureTwins.fixture.ts') });
    const urns = twins.resources.map((r) => r.urn);
    assert.equal(new Set(urns).size, urns.length, 'unique URNs');
    const physical = twins.resources.flatMap((r) => {
      const i = r.inputs as Record<string, unknown>;
      // IAM bindings and Firestore indexes/fields legitimately repeat the names of what they bind.
      if (/IAMMember|IamMember|iAMMember|firestore\/(index|field)|backupSchedule|bucketObject/.test(r.type)) return [];
      return ['name', 'accountId', 'roleId', 'repositoryId'].map((k) => i[k]).filter((v): v is string => typeof v === 'string').map((v) => `${r.type}:${v}`);
    });
    assert.equal(new Set(physical).size, physical.length, `duplicate physical names: ${physical.filter((v, i) => physical.indexOf(v) !== i).join(', ')}`);
    const a = parseManifest(twins.outputs.alphaManifest);
    const b = parseManifest(twins.outputs.betaManifest);
    assert.notDeepEqual(a.eventStore, b.eventStore);
    assert.notDeepEqual(a.bus, b.bus);
  });
});
