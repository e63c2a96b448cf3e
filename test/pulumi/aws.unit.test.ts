/**
 * The AWS provider under Pulumi mocks: the program runs for the dev and aws-prod stacks and the
 * captured graph is checked for the expected resource types and security settings (encryption,
 * PITR, deletion protection, DLQ on every subscription and trigger, no public data endpoints,
 * least-privilege roles), for graph integrity (parents, dependencies), and for names derived
 * from the component name (two platforms in one stack do not collide).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { planStack, type StackPlan } from '../../runtime/cli/plan/runStack';
import { duplicateUrns, type PlannedResource } from '../../runtime/cli/plan/graph';
import { eventsTableDefinition, snapshotsTableDefinition, checkpointsTableDefinition } from '../../runtime/adapters/aws/dynamoDbSchema';
import { parseManifest } from '../../runtime/manifestValidation';
import { isComponentToken } from '../../components/tokens';
import { byUrn, manifestOf, ofType, plan, ROOT } from './plans';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resource inputs are untyped JSON
type Obj = Record<string, any>;
const inputs = (r: PlannedResource): Obj => r.inputs;
const named = (p: StackPlan, type: string, suffix: string): PlannedResource => {
  const r = ofType(p, type).find((x) => x.name.endsWith(suffix));
  assert.ok(r, `${type} named *${suffix} not found`);
  return r;
};

describe('aws provider under mocks', function () {
  this.timeout(60000);
  let dev: StackPlan;
  let prod: StackPlan;
  before(async () => {
    dev = await plan('dev');
    prod = await plan('aws-prod');
  });

  it('runs under the mocks with the right project and stack', () => {
    assert.equal(dev.project, 'nexus');
    assert.equal(dev.stack, 'dev');
    assert.equal(prod.stack, 'aws-prod');
    assert.equal(dev.config['nexus:cloud'], 'aws');
  });

  it('creates the expected resource types', () => {
    const expected: Record<string, number> = {
      'aws:dynamodb/table:Table': 4, 'aws:kinesis/stream:Stream': 1, 'aws:sns/topic:Topic': 2, 'aws:glue/registry:Registry': 1,
      'aws:opensearch/domain:Domain': 1, 'aws:lambda/function:Function': 6, 'aws:apigatewayv2/api:Api': 2,
      'aws:lambda/eventSourceMapping:EventSourceMapping': 5, 'aws:cloudwatch/eventRule:EventRule': 2, 'aws:cloudwatch/eventTarget:EventTarget': 2,
      'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig': 2, 'aws:cloudwatch/dashboard:Dashboard': 1,
      'aws:budgets/budget:Budget': 1, 'aws:kms/key:Key': 5,
    };
    for (const [type, n] of Object.entries(expected)) assert.equal(ofType(dev, type).length, n, type);
    assert.ok(ofType(dev, 'aws:glue/schema:Schema').length >= 1, 'every subject in schemas/ is registered');
    assert.ok(ofType(dev, 'aws:cloudwatch/metricAlarm:MetricAlarm').length >= 10);
  });

  it('encrypts every table with a CMK, with PITR; deletion protection only outside dev', () => {
    for (const [p, protectedTables] of [[dev, false], [prod, true]] as const) {
      for (const t of ofType(p, 'aws:dynamodb/table:Table')) {
        const i = inputs(t);
        assert.equal(i.serverSideEncryption?.enabled, true, `${t.name} SSE`);
        assert.match(String(i.serverSideEncryption?.kmsKeyArn), /^arn:aws:kms:/, `${t.name} CMK`);
        assert.equal(i.pointInTimeRecovery?.enabled, true, `${t.name} PITR`);
        assert.equal(i.deletionProtectionEnabled, protectedTables, `${p.stack} ${t.name} deletion protection`);
      }
    }
    const events = named(prod, 'aws:dynamodb/table:Table', '-store-events');
    assert.equal(events.protect, true, 'prod event table is protected in Pulumi too');
  });

  it('enables Streams on the events table, TTL only on checkpoints/idempotency and connections, never on events', () => {
    const events = inputs(named(dev, 'aws:dynamodb/table:Table', '-store-events'));
    assert.equal(events.streamEnabled, true);
    assert.equal(events.streamViewType, 'NEW_IMAGE');
    assert.equal(events.ttl, undefined);
    assert.deepEqual(inputs(named(dev, 'aws:dynamodb/table:Table', '-store-checkpoints')).ttl, { attributeName: 'ttl', enabled: true });
  });

  it('creates the tables with the key schema the DynamoDB adapter uses', () => {
    const check = (suffix: string, def: ReturnType<typeof eventsTableDefinition>) => {
      const t = inputs(named(dev, 'aws:dynamodb/table:Table', suffix));
      const keys = Object.fromEntries((def.KeySchema ?? []).map((k) => [k.KeyType, k.AttributeName]));
      assert.equal(t.hashKey, keys.HASH, `${suffix} hash key`);
      assert.equal(t.rangeKey, keys.RANGE, `${suffix} range key`);
      assert.deepEqual(
        (t.attributes as Obj[]).map((a) => `${a.name}:${a.type}`).sort(),
        (def.AttributeDefinitions ?? []).map((a) => `${a.AttributeName}:${a.AttributeType}`).sort(), `${suffix} attributes`);
      for (const lsi of def.LocalSecondaryIndexes ?? []) {
        const mine = (t.localSecondaryIndexes as Obj[]).find((x) => x.name === lsi.IndexName);
        assert.equal(mine?.rangeKey, lsi.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName, `LSI ${lsi.IndexName}`);
      }
      for (const gsi of def.GlobalSecondaryIndexes ?? []) {
        const mine = (t.globalSecondaryIndexes as Obj[]).find((x) => x.name === gsi.IndexName);
        assert.equal(mine?.hashKey, gsi.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName, `GSI ${gsi.IndexName}`);
        assert.equal(mine?.rangeKey, gsi.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName, `GSI ${gsi.IndexName}`);
      }
    };
    check('-store-events', eventsTableDefinition('x'));
    check('-store-snapshots', snapshotsTableDefinition('x'));
    check('-store-checkpoints', checkpointsTableDefinition('x'));
  });

  it('encrypts the bus (Kinesis KMS, SNS and SQS with a CMK or SSE)', () => {
    assert.equal(inputs(ofType(dev, 'aws:kinesis/stream:Stream')[0]!).encryptionType, 'KMS');
    for (const t of ofType(dev, 'aws:sns/topic:Topic')) assert.match(String(inputs(t).kmsMasterKeyId), /^arn:aws:kms:/, t.name);
    for (const q of ofType(dev, 'aws:sqs/queue:Queue')) {
      const i = inputs(q);
      assert.ok(i.kmsMasterKeyId || i.sqsManagedSseEnabled === true, `${q.name} encrypted`);
    }
  });

  it('gives every subscription, queue and trigger a dead-letter target', () => {
    const queues = ofType(dev, 'aws:sqs/queue:Queue');
    const dlqArns = new Set(queues.filter((q) => q.name.endsWith('-dlq')).map((q) => `arn:aws:sqs:eu-west-1:123456789012:${q.name}-`));
    for (const q of queues.filter((x) => !x.name.endsWith('-dlq'))) {
      const redrive = JSON.parse(String(inputs(q).redrivePolicy)) as Obj;
      assert.ok([...dlqArns].some((prefix) => String(redrive.deadLetterTargetArn).startsWith(prefix)), `${q.name} redrives to a DLQ`);
      assert.ok(redrive.maxReceiveCount >= 1 && redrive.maxReceiveCount <= 10, `${q.name} bounded deliveries`);
    }
    for (const s of ofType(dev, 'aws:sns/topicSubscription:TopicSubscription').filter((x) => inputs(x).protocol === 'sqs')) {
      assert.ok(JSON.parse(String(inputs(s).redrivePolicy)).deadLetterTargetArn, `${s.name} has a subscription DLQ`);
    }
    for (const m of ofType(dev, 'aws:lambda/eventSourceMapping:EventSourceMapping')) {
      const i = inputs(m);
      if (String(i.eventSourceArn).startsWith('arn:aws:sqs:')) continue; // the queue's redrive policy applies
      assert.match(String(i.destinationConfig?.onFailure?.destinationArn), /^arn:aws:sqs:/, `${m.name} on-failure DLQ`);
      assert.equal(i.bisectBatchOnFunctionError, true);
    }
    for (const t of ofType(dev, 'aws:cloudwatch/eventTarget:EventTarget')) assert.ok(inputs(t).deadLetterConfig?.arn, `${t.name}: scheduler target DLQ`);
    for (const c of ofType(dev, 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig')) {
      assert.match(String(inputs(c).destinationConfig?.onFailure?.destination), /^arn:aws:sqs:/, `${c.name}: failed runs are dead-lettered`);
    }
  });

  it('fires saga timeouts every minute: rule → its own function, retries, then its own DLQ on both legs', () => {
    const fn = named(dev, 'aws:lambda/function:Function', '-runtime-saga-timeouts-fn');
    assert.equal(inputs(fn).handler, 'aws-lambda.sagaTimeouts', 'the entry point export');
    assert.equal(inputs(fn).environment.variables.NEXUS_ROLE, 'sagaTimeouts');
    assert.equal(inputs(fn).vpcConfig, undefined, 'no search access, so no VPC');
    const rule = named(dev, 'aws:cloudwatch/eventRule:EventRule', '-runtime-saga-timeouts-schedule');
    assert.equal(inputs(rule).scheduleExpression, 'rate(1 minute)');
    const target = named(dev, 'aws:cloudwatch/eventTarget:EventTarget', '-runtime-saga-timeouts-target');
    assert.ok(target.propertyDependencies.arn?.includes(fn.urn), 'the rule targets the saga timeout function');
    assert.ok(target.propertyDependencies.rule?.includes(rule.urn));
    assert.deepEqual(inputs(target).retryPolicy, { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 });
    const dlq = named(dev, 'aws:sqs/queue:Queue', '-runtime-saga-timeouts-dlq');
    assert.ok(target.propertyDependencies.deadLetterConfig?.includes(dlq.urn), 'undelivered runs go to the saga timeout DLQ');
    const async = named(dev, 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', '-runtime-saga-timeouts-async');
    assert.ok(async.propertyDependencies.functionName?.includes(fn.urn));
    assert.ok(async.propertyDependencies.destinationConfig?.includes(dlq.urn), 'runs that throw go to the same DLQ');
    assert.equal(inputs(async).maximumRetryAttempts, 2);
    const permission = named(dev, 'aws:lambda/permission:Permission', '-runtime-saga-timeouts-invoke');
    assert.equal(inputs(permission).principal, 'events.amazonaws.com');
    assert.ok(permission.propertyDependencies.sourceArn?.includes(rule.urn), 'only this rule may invoke it');
    const queuePolicy = named(dev, 'aws:sqs/queuePolicy:QueuePolicy', '-runtime-saga-timeouts-dlq-policy');
    assert.ok(queuePolicy.propertyDependencies.policy?.includes(rule.urn), 'EventBridge may send to the DLQ only for this rule');
    // The runtime exports refs dlqName:sagaTimeouts and fn:sagaTimeouts; observability alarms on both.
    const alarm = named(dev, 'aws:cloudwatch/metricAlarm:MetricAlarm', '-dlq-sagaTimeouts');
    assert.ok(String(inputs(alarm).dimensions.QueueName).startsWith(dlq.name), 'a dead-lettered run raises the DLQ depth alarm');
    named(dev, 'aws:cloudwatch/metricAlarm:MetricAlarm', '-sagaTimeouts-throttled');
  });

  it('gives the saga timeout function the saga consumer\'s data grants (events, snapshots, checkpoints) plus its own DLQ, nothing else', () => {
    const policyOf = (suffix: string) => (JSON.parse(String(inputs(named(dev, 'aws:iam/rolePolicy:RolePolicy', suffix)).policy)) as Obj).Statement as Obj[];
    const pairs = (sts: Obj[]) => new Set(sts.flatMap((st) => ([st.Action].flat() as string[]).flatMap((a) => ([st.Resource].flat() as string[]).map((r) => `${a}@${r}`))));
    const timeouts = pairs(policyOf('-runtime-saga-timeouts-access'));
    const consumer = pairs(policyOf('-runtime-sagas-access'));
    const dlq = named(dev, 'aws:sqs/queue:Queue', '-runtime-saga-timeouts-dlq');
    assert.deepEqual([...timeouts].filter((p) => !consumer.has(p)).map((p) => p.split('@')[0]), ['sqs:SendMessage']);
    assert.ok([...timeouts].some((p) => p.startsWith('sqs:SendMessage@') && p.includes(dlq.name)), 'it sends only to its own DLQ');
    for (const table of ['-store-events', '-store-snapshots', '-store-checkpoints']) {
      const t = named(dev, 'aws:dynamodb/table:Table', table);
      assert.ok([...timeouts].some((p) => p.startsWith('dynamodb:PutItem@') && p.includes(t.name)), `writes ${table}`);
    }
    assert.ok(![...timeouts].some((p) => /^(kinesis|sns|es):|sqs:ReceiveMessage/.test(p)), 'no bus consumption, no search');
  });

  it('keeps search private: VPC, encryption at rest, node-to-node, HTTPS with TLS 1.2, no anonymous principal', () => {
    const d = inputs(ofType(dev, 'aws:opensearch/domain:Domain')[0]!);
    assert.ok((d.vpcOptions?.subnetIds as string[]).length >= 1);
    assert.equal(d.encryptAtRest.enabled, true);
    assert.equal(d.nodeToNodeEncryption.enabled, true);
    assert.equal(d.domainEndpointOptions.enforceHttps, true);
    assert.match(String(d.domainEndpointOptions.tlsSecurityPolicy), /TLS-1-2/);
    const policy = JSON.parse(String(d.accessPolicies)) as Obj;
    for (const st of policy.Statement as Obj[]) assert.notEqual(JSON.stringify(st.Principal), '"*"');
    for (const sn of ofType(dev, 'aws:ec2/subnet:Subnet')) assert.equal(inputs(sn).mapPublicIpOnLaunch, false, `${sn.name} gives no public IPs`);
    const domainSg = named(dev, 'aws:ec2/securityGroup:SecurityGroup', '-search-net-domain');
    for (const rule of inputs(domainSg).ingress as Obj[]) {
      assert.equal(rule.cidrBlocks, undefined, 'the domain admits security groups, never CIDRs');
      assert.equal(rule.fromPort, 443);
    }
    assert.equal(ofType(dev, 'aws:ec2/natGateway:NatGateway').length, 1, 'egress (JWKS, OTLP) through one NAT');
  });

  it('grants runtime roles no wildcard actions and no wildcard resources', () => {
    const policies = ofType(dev, 'aws:iam/rolePolicy:RolePolicy');
    assert.equal(policies.length, 6, 'api, relay, projections, sagas, snapshots, saga timeouts');
    for (const p of policies) {
      for (const st of (JSON.parse(String(inputs(p).policy)) as Obj).Statement as Obj[]) {
        for (const a of [st.Action].flat() as string[]) assert.ok(a !== '*' && !a.endsWith(':*'), `${p.name}: action ${a}`);
        for (const r of [st.Resource].flat() as string[]) assert.ok(r !== '*' && !/:\*$/.test(r), `${p.name}: resource ${r}`);
      }
    }
    const sagas = policies.find((p) => p.name.includes('-runtime-sagas-'))!;
    assert.doesNotMatch(String(inputs(sagas).policy), /es:ESHttp/, 'sagas cannot touch search');
    const projections = policies.find((p) => p.name.includes('-runtime-projections-'))!;
    assert.doesNotMatch(String(inputs(projections).policy), /dynamodb:PutItem".*events/, 'projections cannot append events');
  });

  it('injects the manifest (without api) into every function as NEXUS_MANIFEST, on Node 22', () => {
    const manifest = manifestOf(dev);
    for (const f of ofType(dev, 'aws:lambda/function:Function')) {
      const i = inputs(f);
      assert.equal(i.runtime, 'nodejs22.x');
      const injected = parseManifest(String(i.environment.variables.NEXUS_MANIFEST));
      assert.deepEqual(injected.eventStore, manifest.eventStore);
      assert.equal(injected.api, undefined);
      assert.equal(i.tracingConfig.mode, 'Active');
      const envBytes = Object.entries(i.environment.variables as Record<string, string>).reduce((n, [k, v]) => n + k.length + v.length, 0);
      assert.ok(envBytes < 4096, `${f.name}: Lambda environment is ${envBytes} bytes (limit 4 KB)`);
      const isApi = f.name.endsWith('-runtime-api-fn');
      assert.equal(i.environment.variables.NEXUS_JWKS_URL, isApi ? 'https://auth.example.com/.well-known/jwks.json' : undefined, `${f.name} JWKS`);
    }
  });

  it('alarms on every DLQ, relay lag and throttling', () => {
    const alarms = ofType(dev, 'aws:cloudwatch/metricAlarm:MetricAlarm').map(inputs);
    const dlqAlarms = alarms.filter((a) => a.metricName === 'ApproximateNumberOfMessagesVisible').map((a) => a.dimensions.QueueName as string);
    for (const q of ofType(dev, 'aws:sqs/queue:Queue').filter((x) => x.name.endsWith('-dlq'))) {
      assert.ok(dlqAlarms.some((n) => n.startsWith(q.name)), `no depth alarm for ${q.name}`);
    }
    assert.ok(alarms.some((a) => a.metricName === 'IteratorAge'), 'relay lag');
    assert.ok(alarms.some((a) => a.metricName === 'ThrottledRequests'), 'store throttling');
    assert.ok(alarms.some((a) => a.metricName === 'WriteProvisionedThroughputExceeded'), 'bus throttling');
    for (const a of alarms) assert.ok((a.alarmActions as string[]).length > 0);
  });

  it('captures a connected graph: every resource has a known parent, dependencies point at known URNs', () => {
    const urns = byUrn(dev);
    assert.deepEqual(duplicateUrns(dev.resources), []);
    for (const r of dev.resources) {
      if (r.type === 'nexus:platform:NexusPlatform') continue;
      assert.ok(r.parent && urns.has(r.parent), `${r.name} has a parent in the graph`);
      for (const d of [...r.dependsOn, ...Object.values(r.propertyDependencies).flat()]) assert.ok(urns.has(d), `${r.name} depends on unknown ${d}`);
    }
    const fn = named(dev, 'aws:lambda/function:Function', '-runtime-api-fn');
    assert.ok(fn.propertyDependencies.role?.some((u) => u.includes('iam/role:Role')), 'function.role depends on its role');
    assert.ok(fn.dependsOn.some((u) => u.includes('rolePolicy:RolePolicy')), 'function waits for its policy');
  });

  it('derives every child name from its component name', () => {
    const urns = byUrn(dev);
    for (const r of dev.resources) {
      const parent = r.parent ? urns.get(r.parent) : undefined;
      if (parent && isComponentToken(parent.type)) assert.ok(r.name.startsWith(`${parent.name}-`), `${r.name} under ${parent.name}`);
    }
  });

  it('two platforms in one stack do not collide (URNs and explicit physical names)', async () => {
    const twins = await planStack({ stack: 'twins', root: ROOT, config: {}, program: path.join(__dirname, 'fixtures/twoPlatforms.ts') });
    assert.equal(twins.stack, 'twins');
    assert.deepEqual(duplicateUrns(twins.resources), []);
    const physical = twins.resources.flatMap((r) => ['domainName', 'registryName', 'dashboardName', 'name']
      .map((k) => (r.inputs as Obj)[k]).filter((v): v is string => typeof v === 'string' && v.length > 0 && v !== 'live' && v !== '$default')
      .map((v) => `${r.type}:${v}`));
    assert.equal(new Set(physical).size, physical.length, `duplicate physical names: ${physical.filter((v, i) => physical.indexOf(v) !== i).join(', ')}`);
    const a = parseManifest(twins.outputs.alphaManifest);
    const b = parseManifest(twins.outputs.betaManifest);
    assert.notEqual(a.eventStore.kind === 'dynamodb' && a.eventStore.eventsTable, b.eventStore.kind === 'dynamodb' && b.eventStore.eventsTable);
    assert.deepEqual(Object.keys(a.bus.kind === 'kinesis+sns' ? a.bus.queues : {}), ['projections', 'sagas', 'audit']);
    const schemas = ofType(twins, 'aws:glue/schema:Schema');
    assert.deepEqual(schemas.map((s) => [inputs(s).schemaName, inputs(s).compatibility]), [['Thing', 'FULL_ALL']]);
  });
});
