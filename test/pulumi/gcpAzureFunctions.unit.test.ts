/**
 * The pure functions of the GCP and Azure providers (naming rules, schedules, limits), tested
 * without mocks: the values Pulumi would send to the clouds must satisfy each service's rules.
 */
import { strict as assert } from 'node:assert';
import { backstopAttempts, everyMinutesCron } from '../../providers/gcp/runtimeTriggers';
import { firestoreDatabaseId, gcpLabels, pubsubConfigSchemaId, pubsubSubjectSchemaId, serviceAccountId, subscriptionId } from '../../providers/gcp/naming';
import { configSchemaDefinition, firstVersions, validateSchemas } from '../../providers/gcp/schemaRegistry';
import { memoryLimit } from '../../providers/gcp/runtimeServices';
import { EVENT_STORE_INDEXES } from '../../providers/gcp/eventStore';
import { globalName, platformPrefix, stableGuid } from '../../providers/azure/naming';
import { consumerGroupLimit, retentionHours } from '../../providers/azure/eventBus';
import { flexMemory, snapshotNcrontab } from '../../providers/azure/runtime';
import { schemaGroupName } from '../../providers/azure/schemaRegistry';
import { budgetStart } from '../../providers/azure/observability';
import type { Placement, SchemaDefinition } from '../../components/args';
import type * as pulumi from '@pulumi/pulumi';
import { gcpContext } from '../../providers/gcp/common';
import { azureEventBus } from '../../providers/azure/eventBus';

const schema = (subject: string, version: number, definition = '{"type":"record","name":"X","fields":[]}'): SchemaDefinition =>
  ({ subject, version, definition, compatibility: 'BACKWARD', file: `schemas/${subject}.v${version}.avsc` });

describe('GCP provider functions', () => {
  it('builds cron schedules for every N minutes and rejects nonsense', () => {
    assert.equal(everyMinutesCron(15), '*/15 * * * *');
    assert.equal(everyMinutesCron(120), '0 */2 * * *');
    assert.equal(everyMinutesCron(1440), '0 0 * * *');
    assert.throws(() => everyMinutesCron(0), /snapshot schedule: 0 minutes; expected an integer >= 1/);
  });

  it('sets the Pub/Sub dead-letter backstop one attempt after the runtime, within 5..100', () => {
    assert.equal(backstopAttempts(5), 6);
    assert.equal(backstopAttempts(1), 5);
    assert.equal(backstopAttempts(500), 100);
  });

  it('keeps ids within each service\'s rules', () => {
    const long = 'nexus-a-very-long-stack-name-for-production-in-europe-west-runtime';
    const sa = serviceAccountId(`${long}-worker`);
    assert.ok(sa.length >= 6 && sa.length <= 30 && /^[a-z][a-z0-9-]*$/.test(sa), sa);
    assert.notEqual(serviceAccountId(`${long}-worker`), serviceAccountId(`${long}-invoker`), 'truncated ids stay distinct');
    const db = firestoreDatabaseId('9-store');
    assert.match(db, /^[a-z][a-z0-9-]{3,62}$/);
    assert.equal(subscriptionId('nexus-bus', 'projections', 'core'), 'nexus-bus-projections-core');
    assert.equal(pubsubSubjectSchemaId('nexus-registry-', 'nexus.orders.OrderPlaced'), 'nexus-registry-nexus.orders.OrderPlaced');
    assert.equal(pubsubSubjectSchemaId('r-', 'a/b c'), 'r-a%2Fb%20c');
    assert.equal(pubsubConfigSchemaId('r-'), 'r-~config');
    assert.deepEqual(gcpLabels({ Team: 'Platform Ops' }), { team: 'platform_ops' });
  });

  it('rejects duplicate or invalid schemas before declaring resources, naming the file', () => {
    assert.equal(validateSchemas([schema('A', 1), schema('A', 2)]), undefined);
    assert.match(String(validateSchemas([schema('A', 1), schema('A', 1)])), /schema A@1 is listed twice \(second time from schemas\/A\.v1\.avsc\)/);
    assert.match(String(validateSchemas([schema('B', 1, '{nope')])), /schema B@1 \(schemas\/B\.v1\.avsc\) is not valid Avro JSON/);
  });

  it('creates each subject at its first version and keeps the modes where PubSubSchemaRegistry reads them', () => {
    assert.deepEqual(firstVersions([schema('B', 2), schema('A', 1), schema('B', 1)]).map((s) => `${s.subject}@${s.version}`), ['A@1', 'B@1']);
    const config = JSON.parse(configSchemaDefinition('FULL', [{ ...schema('A', 1), compatibility: 'NONE' }])) as { name: string; doc: string };
    assert.equal(config.name, 'NexusRegistryConfig');
    assert.deepEqual(JSON.parse(config.doc), { '': 'FULL', A: 'NONE' });
    const many = Array.from({ length: 21 }, (_, i) => schema('C', i + 1));
    assert.match(String(validateSchemas(many)), /subject C has 21 versions; Pub\/Sub keeps at most 20 revisions per schema/);
  });

  it('sizes Cloud Run memory and rejects too little', () => {
    assert.equal(memoryLimit(512), '512Mi');
    assert.throws(() => memoryLimit(64), /runtime memory 64 MB; expected an integer >= 128/);
  });

  it('declares the composite indexes the Firestore adapters query', () => {
    const ids = EVENT_STORE_INDEXES.map((i) => i.id);
    assert.deepEqual(ids, ['events-stream-fwd', 'events-stream-bwd', 'snapshots-stream', 'snapshots-stream-state']);
  });
});

const placement = (over: Partial<Placement>): Placement =>
  ({ cloud: 'gcp', environment: 'prod', region: 'europe-west1', deletionProtection: true, tags: {}, ...over });
const noParent = undefined as unknown as pulumi.ComponentResource;

describe('provider argument errors name what is wrong', () => {
  it('GCP: a placement without a project, or for another cloud', () => {
    assert.throws(() => gcpContext(placement({}), noParent), /placement\.gcpProject is required \(set nexus:gcpProject\)/);
    assert.throws(() => gcpContext(placement({ cloud: 'aws', gcpProject: 'p' }), noParent), /placement\.cloud is "aws", expected "gcp"/);
    const ctx = gcpContext(placement({ gcpProject: 'p', tags: { Team: 'X' } }), noParent);
    assert.equal(ctx.cmek, true);
    assert.equal(ctx.labels.team, 'x');
  });

  it('Azure: the bus needs the event store of the same provider first (its dead letters live there)', () => {
    assert.throws(() => azureEventBus({ foundation: { ctx: {} } as never }, 'p-bus', { placement: placement({ cloud: 'azure' }) }, noParent),
      /Azure EventBus p-bus: dead letters live in the event store's Cosmos account; create the EventStore first/);
  });
});

describe('Azure provider functions', () => {
  it('derives global names within limits, distinct per stack, alnum-only where required', () => {
    const a = globalName('nexus-azure-prod-store-cosmos', 'nexus/azure-prod/nexus-azure-prod', 44);
    const b = globalName('nexus-azure-prod-store-cosmos', 'nexus/azure-dev/nexus-azure-prod', 44);
    assert.notEqual(a, b);
    assert.ok(a.length <= 44 && /^[a-z][a-z0-9-]*[a-z0-9]$/.test(a), a);
    const st = globalName('nexus-azure-prod-runtimest', 'seed', 24, true);
    assert.ok(st.length <= 24 && /^[a-z][a-z0-9]*$/.test(st), st);
    assert.equal(globalName('x', 'seed', 24), globalName('x', 'seed', 24), 'deterministic');
  });

  it('makes stable GUIDs and platform prefixes', () => {
    assert.match(stableGuid('a'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(stableGuid('a'), stableGuid('a'));
    assert.equal(platformPrefix('nexus-azure-prod-store'), 'nexus-azure-prod');
    assert.equal(platformPrefix('store'), 'store');
  });

  it('caps Event Hubs retention per tier and builds timer schedules', () => {
    assert.equal(consumerGroupLimit(false), 19);
    assert.equal(consumerGroupLimit(true), 99);
    assert.equal(retentionHours(168, false), 168);
    assert.equal(retentionHours(1000, false), 168);
    assert.equal(retentionHours(1000, true), 1000);
    assert.equal(snapshotNcrontab(15), '0 */15 * * * *');
    assert.throws(() => snapshotNcrontab(0), /expected an integer >= 1/);
    assert.equal(flexMemory(1024), 2048);
    assert.equal(flexMemory(512), 512);
    assert.equal(schemaGroupName('nexus prod/registry'), 'nexus-prod-registry');
    assert.equal(budgetStart(new Date('2026-11-28T08:00:00Z')), '2026-11-01T00:00:00Z');
  });
});
