/**
 * The pure functions behind the components and the AWS provider, tested without mocks:
 * naming, schema-set checks, manifest assembly, sizing, schedules, Glue modes and IAM grants.
 */
import { strict as assert } from 'node:assert';
import { childName, cloudName, requireRef } from '../../components/naming';
import { checkSchemaSet } from '../../components/schemaRegistry';
import { assembleManifest, placementFrom } from '../../components/manifest';
import { decodeConfig } from '../../components/config';
import type { SchemaDefinition } from '../../components/args';
import { manifestProblems } from '../../runtime/manifestValidation';
import { domainSizing } from '../../providers/aws/searchIndex';
import { rateExpression } from '../../providers/aws/runtimeSchedule';
import { glueCompatibility, latestPerSubject } from '../../providers/aws/schemaRegistry';
import { isSagaGroup, needsVpc, statementsFor, type RuntimeArns } from '../../providers/aws/runtimeIam';
import { dashboardBody } from '../../providers/aws/dashboard';

const def = (subject: string, version: number, compatibility: SchemaDefinition['compatibility'] = 'BACKWARD'): SchemaDefinition => ({
  subject, version, compatibility, file: `schemas/x/${subject}.v${version}.avsc`, definition: JSON.stringify({ type: 'record', name: subject, fields: [] }),
});

describe('pure component and provider functions', () => {
  it('derives child and cloud names from the component name', () => {
    assert.equal(childName('nexus-dev-bus', 'core'), 'nexus-dev-bus-core');
    assert.equal(cloudName('Nexus_Dev--Search', 28), 'nexus-dev-search');
    const a = cloudName('nexus-a-very-long-stack-name-search-alpha', 28);
    const b = cloudName('nexus-a-very-long-stack-name-search-beta', 28);
    assert.ok(a.length <= 28 && b.length <= 28);
    assert.notEqual(a, b, 'truncated names stay distinct');
  });

  it('requireRef names the missing key and who needs it', () => {
    assert.throws(() => requireRef({}, 'streamArn', 'aws runtime'), /aws runtime: provider ref "streamArn" is missing; available: none/);
  });

  it('checkSchemaSet sorts, and rejects gaps, duplicates and mixed modes naming the file', () => {
    assert.deepEqual(checkSchemaSet([def('B', 1), def('A', 2), def('A', 1)]).map((s) => `${s.subject}@${s.version}`), ['A@1', 'A@2', 'B@1']);
    assert.throws(() => checkSchemaSet([def('A', 1), def('A', 3)]), /schemas\/x\/A\.v3\.avsc: subject A expected version 2, found 3/);
    assert.throws(() => checkSchemaSet([def('A', 1), def('A', 2, 'FULL')]), /A\.v2\.avsc: subject A has compatibility FULL, but .*A\.v1\.avsc says BACKWARD/);
    assert.throws(() => checkSchemaSet([{ ...def('A', 1), definition: '{' }]), /A\.v1\.avsc: schema is not valid JSON/);
  });

  it('assembles a valid manifest from sections and config', () => {
    const config = decodeConfig({ 'nexus:cloud': 'aws', 'nexus:region': 'eu-west-1', 'nexus:otlpEndpoint': 'https://otel.example.com' });
    const m = assembleManifest(config, 'nexus/dev', {
      eventStore: { kind: 'memory' }, bus: { kind: 'memory' }, registry: { kind: 'local', path: 'r.db', schemasDir: 'schemas' },
      search: { kind: 'memory' }, notifications: { kind: 'memory' },
    }, { api: { url: 'https://api.example.com' }, nativeTarget: 'cloudwatch+xray' });
    assert.deepEqual(manifestProblems(m), []);
    assert.deepEqual(m.observability, { otlpEndpoint: 'https://otel.example.com', nativeTarget: 'cloudwatch+xray' });
    assert.equal(placementFrom(config).tags['nexus-environment'], 'dev');
  });

  it('sizes search domains, schedules and Glue modes', () => {
    assert.deepEqual(domainSizing('small'), { instanceType: 't3.small.search', instanceCount: 1, zoneAware: false, volumeGb: 20 });
    assert.equal(domainSizing('large').zoneAware, true);
    assert.equal(rateExpression(1), 'rate(1 minute)');
    assert.equal(rateExpression(15), 'rate(15 minutes)');
    assert.equal(glueCompatibility('FULL_TRANSITIVE'), 'FULL_ALL');
    assert.equal(glueCompatibility('NONE'), 'NONE');
    assert.deepEqual(latestPerSubject([def('A', 1), def('A', 2), def('B', 1)]).map((s) => `${s.subject}@${s.version}`), ['A@2', 'B@1']);
  });

  describe('AWS runtime grants', () => {
    const arns: RuntimeArns = {
      eventsTable: 'arn:aws:dynamodb:r:1:table/ev', eventsStream: 'arn:aws:dynamodb:r:1:table/ev/stream/x', snapshotsTable: 'arn:aws:dynamodb:r:1:table/sn',
      checkpointsTable: 'arn:aws:dynamodb:r:1:table/cp', connectionsTable: 'arn:aws:dynamodb:r:1:table/cn', storeKey: 'k1', busKey: 'k2', notificationsKey: 'k3',
      stream: 'arn:aws:kinesis:r:1:stream/s', topic: 'arn:aws:sns:r:1:t', coreDlq: 'arn:aws:sqs:r:1:core-dlq',
      schedulerDlqs: { snapshots: 'arn:aws:sqs:r:1:snapshots-dlq', sagaTimeouts: 'arn:aws:sqs:r:1:saga-timeouts-dlq' },
      queues: { projections: { queue: 'arn:aws:sqs:r:1:p', dlq: 'arn:aws:sqs:r:1:p-dlq' }, sagas: { queue: 'arn:aws:sqs:r:1:s', dlq: 'arn:aws:sqs:r:1:s-dlq' } },
      registry: 'arn:aws:glue:r:1:registry/g', schemas: ['arn:aws:glue:r:1:schema/g/A'], searchDomain: 'arn:aws:es:r:1:domain/d',
      websocketExecution: 'arn:aws:execute-api:r:1:ws', websocketStage: 'live',
    };
    const actions = (sts: ReturnType<typeof statementsFor>) => sts.flatMap((s) => [s.Action].flat());
    const resources = (sts: ReturnType<typeof statementsFor>) => sts.flatMap((s) => [s.Resource ?? []].flat());

    it('gives each role only its own resources', () => {
      const relay = statementsFor({ kind: 'relay' }, arns);
      assert.ok(actions(relay).includes('kinesis:PutRecords') && actions(relay).includes('sns:Publish'));
      assert.ok(!actions(relay).some((a) => a.startsWith('es:')), 'relay never touches search');
      const proj = statementsFor({ kind: 'consumer', group: 'projections' }, arns);
      assert.ok(resources(proj).includes('arn:aws:sqs:r:1:p') && !resources(proj).includes('arn:aws:sqs:r:1:s'), 'own queue only');
      const appendsEvents = proj.some((st) => [st.Action].flat().includes('dynamodb:PutItem') && [st.Resource ?? []].flat().includes(arns.eventsTable));
      assert.equal(appendsEvents, false, 'projections cannot append events');
      const sagas = statementsFor({ kind: 'consumer', group: 'sagas' }, arns);
      assert.ok(actions(sagas).includes('dynamodb:PutItem') && !actions(sagas).some((a) => a.startsWith('es:')));
      const api = statementsFor({ kind: 'api' }, arns);
      assert.ok(resources(api).includes('arn:aws:execute-api:r:1:ws/live/POST/@connections/*'));
      for (const role of [relay, proj, sagas, api, statementsFor({ kind: 'snapshots' }, arns), statementsFor({ kind: 'sagaTimeouts' }, arns)]) {
        assert.ok(!actions(role).some((a) => a === '*' || a.endsWith(':*')));
        assert.ok(!resources(role).includes('*'));
      }
    });

    /** Action@resource pairs a role's statements allow. */
    const grants = (sts: ReturnType<typeof statementsFor>) => new Set(sts.flatMap((s) => [s.Action].flat().flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a}@${r}`))));

    it('saga roles run the command path: events, snapshots (loaded by every command), idempotency and checkpoints', () => {
      for (const role of [statementsFor({ kind: 'consumer', group: 'sagas' }, arns), statementsFor({ kind: 'sagaTimeouts' }, arns)]) {
        const g = grants(role);
        for (const want of ['dynamodb:Query@arn:aws:dynamodb:r:1:table/ev', 'dynamodb:PutItem@arn:aws:dynamodb:r:1:table/ev',
          'dynamodb:Query@arn:aws:dynamodb:r:1:table/sn', 'dynamodb:PutItem@arn:aws:dynamodb:r:1:table/sn',
          'dynamodb:Query@arn:aws:dynamodb:r:1:table/cp', 'dynamodb:PutItem@arn:aws:dynamodb:r:1:table/cp', 'dynamodb:DeleteItem@arn:aws:dynamodb:r:1:table/cp',
          'glue:GetSchemaVersion@arn:aws:glue:r:1:registry/g', 'kms:Decrypt@k1']) {
          assert.ok(g.has(want), `missing ${want}`);
        }
      }
    });

    it('the saga timeout scheduler gets the saga consumer\'s command path and nothing else but its own DLQ', () => {
      const timeouts = grants(statementsFor({ kind: 'sagaTimeouts' }, arns));
      const consumer = grants(statementsFor({ kind: 'consumer', group: 'sagas' }, arns));
      const extra = [...timeouts].filter((g) => !consumer.has(g));
      assert.deepEqual(extra, ['sqs:SendMessage@arn:aws:sqs:r:1:saga-timeouts-dlq'], 'only its on-failure destination is beyond the consumer');
      const all = [...timeouts].join(' ');
      assert.doesNotMatch(all, /kinesis:|sns:|es:ESHttp|sqs:ReceiveMessage|execute-api:/, 'no bus, search or connections');
      assert.doesNotMatch(all, /k2|k3/, 'only the store key');
      assert.ok(!timeouts.has('sqs:SendMessage@arn:aws:sqs:r:1:snapshots-dlq') && !timeouts.has('sqs:SendMessage@arn:aws:sqs:r:1:core-dlq'));
      assert.ok(grants(statementsFor({ kind: 'snapshots' }, arns)).has('sqs:SendMessage@arn:aws:sqs:r:1:snapshots-dlq'), 'snapshots dead-letters its failed runs too');
      assert.equal(needsVpc({ kind: 'sagaTimeouts' }), false, 'never touches search');
    });

    it('places only search clients in the VPC and names an unknown group', () => {
      assert.equal(isSagaGroup('order-sagas'), true);
      assert.equal(needsVpc({ kind: 'api' }), true);
      assert.equal(needsVpc({ kind: 'relay' }), false);
      assert.equal(needsVpc({ kind: 'consumer', group: 'sagas' }), false);
      assert.throws(() => statementsFor({ kind: 'consumer', group: 'audit' }, arns), /consumer group "audit" has no queue; known groups: projections, sagas/);
    });
  });

  it('builds a dashboard with store, bus, relay lag, DLQ and function widgets', () => {
    const body = JSON.parse(dashboardBody('eu-west-1', { table: 't', stream: 's', dlqs: { core: 'q1' }, functions: { relay: 'f1', api: 'f2' } })) as { widgets: Array<{ properties: { title: string; metrics: string[][] } }> };
    assert.equal(body.widgets.length, 6);
    const lag = body.widgets.find((w) => w.properties.title.startsWith('Relay lag'))!;
    assert.deepEqual(lag.properties.metrics, [['AWS/Lambda', 'IteratorAge', 'FunctionName', 'f1']]);
  });
});
