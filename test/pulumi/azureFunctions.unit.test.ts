/**
 * The Azure Function App's functions, without a Functions host: the registration
 * (runtime/entrypoints/azureFunctionsRegistration.ts) recorded through a fake registrar and
 * checked against the Function App the azure-prod stack creates under Pulumi mocks — every
 * `%SETTING%` a binding reads and every connection prefix it names is an app setting, and what
 * they resolve to is a container, hub or consumer group the stack provisions — and each
 * registered handler invoked the way the host invokes it reaches the right NexusApp method.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpRequest } from '@azure/functions';
import { runProgram, type ProgramRun } from './gcpAzureHarness';
import { azureMocks } from './azureMocks';
import { localManifest } from './sagaTimeoutScenario';
import { parseManifest } from '../../runtime/manifestValidation';
import {
  AZURE_FUNCTION_SETTINGS, HTTP_METHODS, consumerGroupsFrom, registerNexusFunctions, type FunctionsRegistrar, type NexusFunctionHandlers,
} from '../../runtime/entrypoints/azureFunctionsRegistration';
import type { CloudEventEnvelope } from '../../runtime/ports';
import { SCHEDULED_FUNCTIONS } from '../../providers/azure/observabilitySignals';

interface Registration {
  readonly kind: keyof FunctionsRegistrar;
  readonly name: string;
  readonly options: Record<string, unknown> & { handler: (...args: unknown[]) => Promise<unknown> };
}

function recorder(): { registrar: FunctionsRegistrar; registrations: Registration[] } {
  const registrations: Registration[] = [];
  const record = (kind: keyof FunctionsRegistrar) => (name: string, options: object) => void registrations.push({ kind, name, options: options as Registration['options'] });
  return { registrar: { http: record('http'), cosmosDB: record('cosmosDB'), eventHub: record('eventHub'), timer: record('timer') }, registrations };
}

const noHandlers: NexusFunctionHandlers = {
  http: () => Promise.reject(new Error('not called')), changeFeed: async () => 0, eventHub: () => async () => 0, snapshots: async () => 0, sagaTimeouts: async () => 0,
};

/** `%NAME%` → the app setting's value; anything else as is. */
const resolve = (value: unknown, settings: Map<string, string>): string => {
  const m = /^%([^%]+)%$/.exec(String(value));
  if (!m) return String(value);
  const v = settings.get(m[1]!);
  assert.ok(v !== undefined && v !== '', `binding expression ${String(value)}: the Function App has no app setting ${m[1]}`);
  return v;
};

describe('Azure Functions registration against the azure-prod Function App (Pulumi mocks)', function () {
  this.timeout(120_000);
  let run: ProgramRun;
  let settings: Map<string, string>;
  let registrations: Registration[];
  const byName = (name: string) => registrations.find((r) => r.name === name)!;

  before(async () => {
    run = await runProgram('azure-prod', azureMocks);
    const app = run.ofType('azure-native:web:WebApp')[0]!;
    settings = new Map((app.inputs.siteConfig.appSettings as Array<{ name: string; value: string }>).map((s) => [s.name, s.value]));
    const r = recorder();
    registerNexusFunctions(r.registrar, noHandlers, Object.fromEntries(settings));
    registrations = r.registrations;
  });

  it('registers the API, the relay, one Event Hubs function per consumer group and hub, and the two timers', () => {
    assert.deepEqual(registrations.map((r) => `${r.kind}:${r.name}`), [
      'http:api', 'cosmosDB:relay',
      'eventHub:consume-projections-core', 'eventHub:consume-projections-noncritical', 'eventHub:consume-sagas-core', 'eventHub:consume-sagas-noncritical',
      'timer:snapshots', 'timer:sagaTimeouts',
    ]);
  });

  it('registers the timers under the names the scheduled-run failure alert queries', () => {
    assert.deepEqual(registrations.filter((r) => r.kind === 'timer').map((r) => r.name), [...SCHEDULED_FUNCTIONS]);
  });

  it('every binding expression names an app setting the provider sets', () => {
    const expressions = registrations.flatMap((r) => Object.values(r.options).filter((v): v is string => typeof v === 'string' && v.includes('%')));
    assert.ok(expressions.length >= 8, `bindings read app settings: ${expressions.join(', ')}`);
    for (const e of expressions) resolve(e, settings);
  });

  it('the API: every route and method, anonymous (the API checks JWTs itself)', () => {
    const api = byName('api').options;
    assert.deepEqual(api.methods, [...HTTP_METHODS]);
    assert.equal(api.authLevel, 'anonymous');
    assert.equal(api.route, '{*path}');
  });

  it('the relay: change feed of the manifest\'s events container, leases in the provisioned leases container, identity-based connection', () => {
    const relay = byName('relay').options;
    const manifest = parseManifest(settings.get('NEXUS_MANIFEST'));
    assert.ok(manifest.eventStore.kind === 'cosmos');
    assert.equal(resolve(relay.databaseName, settings), manifest.eventStore.database);
    assert.equal(resolve(relay.containerName, settings), manifest.eventStore.eventsContainer);
    const containers = run.ofType('azure-native:cosmosdb:SqlResourceSqlContainer').map((c) => `${c.inputs.databaseName}/${c.inputs.containerName}`);
    for (const c of [relay.containerName, relay.leaseContainerName]) assert.ok(containers.includes(`${manifest.eventStore.database}/${resolve(c, settings)}`), `${String(c)} is provisioned`);
    assert.equal(relay.createLeaseContainerIfNotExists, false, 'the identity has data-plane rights only');
    const conn = String(relay.connection);
    assert.equal(settings.get(`${conn}__accountEndpoint`), manifest.eventStore.endpoint);
    assert.equal(settings.get(`${conn}__credential`), 'managedidentity');
    assert.ok(settings.get(`${conn}__clientId`), `${conn}__clientId`);
  });

  it('the consumers: a provisioned consumer group on each hub, batches, identity-based connection', () => {
    const manifest = parseManifest(settings.get('NEXUS_MANIFEST'));
    assert.ok(manifest.bus.kind === 'eventhubs');
    const provisioned = new Set(run.ofType('azure-native:eventhub:ConsumerGroup').map((g) => `${g.inputs.eventHubName}/${g.inputs.consumerGroupName}`));
    const consumers = registrations.filter((r) => r.kind === 'eventHub');
    for (const c of consumers) {
      const hub = resolve(c.options.eventHubName, settings);
      assert.equal(hub, c.name.endsWith('-core') ? manifest.bus.coreHub : manifest.bus.noncriticalHub, c.name);
      assert.ok(provisioned.has(`${hub}/${String(c.options.consumerGroup)}`), `${c.name}: consumer group ${String(c.options.consumerGroup)} on ${hub}`);
      assert.equal(manifest.bus.consumerGroups[String(c.options.consumerGroup)], c.options.consumerGroup, 'the manifest maps the Nexus group to it');
      assert.equal(c.options.cardinality, 'many');
      const conn = String(c.options.connection);
      assert.equal(settings.get(`${conn}__fullyQualifiedNamespace`), manifest.bus.fullyQualifiedNamespace);
      assert.equal(settings.get(`${conn}__credential`), 'managedidentity');
    }
    assert.equal(consumers.length, provisioned.size, 'every provisioned consumer group is consumed');
  });

  it('the timers: six-field NCRONTAB schedules (every 15 minutes, every minute)', () => {
    assert.equal(resolve(byName('snapshots').options.schedule, settings), '0 */15 * * * *');
    assert.equal(resolve(byName('sagaTimeouts').options.schedule, settings), '0 * * * * *');
  });
});

describe('Azure Functions registration: NEXUS_CONSUMER_GROUPS', () => {
  it('refuses a missing, unusable or duplicated group list, naming the setting', () => {
    assert.throws(() => consumerGroupsFrom({}), /NEXUS_CONSUMER_GROUPS: is not set/);
    assert.throws(() => consumerGroupsFrom({ NEXUS_CONSUMER_GROUPS: ' ' }), /NEXUS_CONSUMER_GROUPS: is not set/);
    assert.throws(() => consumerGroupsFrom({ NEXUS_CONSUMER_GROUPS: 'projections,,sagas' }), /group "" in "projections,,sagas"/);
    assert.throws(() => consumerGroupsFrom({ NEXUS_CONSUMER_GROUPS: 'projections,read.models' }), /group "read\.models" .*cannot name a function/);
    assert.throws(() => consumerGroupsFrom({ NEXUS_CONSUMER_GROUPS: 'sagas,projections,sagas' }), /group "sagas" is listed twice/);
    assert.deepEqual(consumerGroupsFrom({ NEXUS_CONSUMER_GROUPS: 'projections, sagas' }), ['projections', 'sagas']);
    assert.equal(AZURE_FUNCTION_SETTINGS.consumerGroups, 'NEXUS_CONSUMER_GROUPS');
  });
});

type Entry = typeof import('../../runtime/entrypoints/azure-functions');

describe('Azure Functions handlers reach the NexusApp', function () {
  this.timeout(30_000);
  const saved = { ...process.env };
  let dir: string;
  let entry: Entry;
  let calls: Array<[string, ...unknown[]]>;
  let registrations: Registration[];
  let consume: (group: string, envelopes: readonly CloudEventEnvelope[]) => Promise<number>;
  let deadLetters: Array<{ group: string; message: { id: string; path: string; partitionKey: string; envelope: CloudEventEnvelope }; attempts: number; error: string }>;
  let hasSink: boolean;
  const fn = (name: string) => registrations.find((r) => r.name === name)!.options.handler;
  const envelope = (id: string): CloudEventEnvelope => ({ specversion: '1.0', id, source: 'nexus/test', type: 'OrderPlaced', subject: 't1:Order-1', data: {} });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-azure-functions-'));
    process.env = { ...saved, NEXUS_MANIFEST: JSON.stringify(localManifest(dir)), NEXUS_JWT_SECRET: 's'.repeat(48) };
    // The entry builds its NexusApp from the environment when it loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    entry = require('../../runtime/entrypoints/azure-functions') as Entry;
    const app = entry.app;
    const recorded = <T>(name: string, result: T) => async (...args: unknown[]): Promise<T> => {
      calls.push([name, ...args]);
      return result;
    };
    app.http = recorded('http', { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    app.relay = recorded('relay', 3);
    app.consume = (group, envelopes) => consume(group, envelopes);
    app.snapshots = recorded('snapshots', 2);
    app.sagaTimeouts = recorded('sagaTimeouts', 1);
    const sink = { put: async (group: string, message: never, attempts: number, error: string) => void deadLetters.push({ group, message, attempts, error }) };
    app.runtime = async () => ({ bus: { deadLetters: hasSink ? sink : {} } }) as never;
    const r = recorder();
    registerNexusFunctions(r.registrar, entry.handlers, { NEXUS_CONSUMER_GROUPS: 'projections,sagas' });
    registrations = r.registrations;
  });
  beforeEach(() => {
    calls = [];
    deadLetters = [];
    hasSink = true;
    consume = async (group, envelopes) => {
      calls.push(['consume', group, envelopes.map((e) => e.id)]);
      return envelopes.length;
    };
  });
  after(async () => {
    process.env = saved;
    await entry.app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('api: the host\'s HttpRequest becomes an API request with the path, query, headers and body', async () => {
    const request = new HttpRequest({
      method: 'POST', url: 'https://nexus-func.azurewebsites.net/commands/Order/42?dryRun=1',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: { string: '{"type":"PlaceOrder"}' },
    });
    const res = await fn('api')(request, {});
    assert.deepEqual(res, { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    assert.deepEqual(calls, [['http', { method: 'POST', url: '/commands/Order/42?dryRun=1', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"type":"PlaceOrder"}' }]]);
  });

  it('relay and timers: the change feed drains the relay, the timers snapshot and fire saga timeouts', async () => {
    assert.deepEqual(await fn('relay')([{ id: 'doc' }], {}), { published: 3 });
    assert.deepEqual(await fn('snapshots')({ isPastDue: false }, {}), { snapshotted: 2 });
    assert.deepEqual(await fn('sagaTimeouts')({ isPastDue: false }, {}), { fired: 1 });
    assert.deepEqual(calls, [['relay'], ['snapshots'], ['sagaTimeouts']]);
  });

  it('consumers: each function feeds its own group, in order, whatever form the host gives a body; redrives for another group are skipped', async () => {
    const batch = [envelope('e1'), JSON.stringify({ envelope: envelope('e2') }), Buffer.from(JSON.stringify(envelope('e3'))), envelope('e4')];
    const props = [{}, {}, {}, { 'nexus-redrive-group': 'projections' }];
    assert.deepEqual(await fn('consume-sagas-core')(batch, { triggerMetadata: { propertiesArray: props } }), { consumed: 3, deadLettered: 0, skipped: 1 });
    assert.deepEqual(await fn('consume-projections-noncritical')([envelope('e4')], { triggerMetadata: { propertiesArray: [props[3]] } }), { consumed: 1, deadLettered: 0, skipped: 0 });
    assert.deepEqual(calls, [['consume', 'sagas', ['e1']], ['consume', 'sagas', ['e2']], ['consume', 'sagas', ['e3']], ['consume', 'projections', ['e4']]]);
  });

  it('consumers: a message that keeps failing is retried in place, then dead-lettered inside the invocation; the rest of the batch goes on', async () => {
    let failures = 0;
    consume = async (group, envelopes) => {
      if (envelopes[0]!.id === 'bad') {
        failures++;
        throw new Error('projection store unavailable (test)');
      }
      calls.push(['consume', group, envelopes.map((e) => e.id)]);
      return 1;
    };
    const props = [{ 'nexus-id': 'bad', 'nexus-partition-key': 't1:Order-9' }, {}];
    const result = await fn('consume-projections-core')([envelope('bad'), envelope('good')], { triggerMetadata: { propertiesArray: props } });
    assert.deepEqual(result, { consumed: 1, deadLettered: 1, skipped: 0 });
    assert.equal(failures, 5, 'five attempts, the bus port\'s default');
    assert.deepEqual(calls, [['consume', 'projections', ['good']]]);
    assert.equal(deadLetters.length, 1);
    const [letter] = deadLetters;
    assert.deepEqual({ group: letter!.group, id: letter!.message.id, path: letter!.message.path, key: letter!.message.partitionKey, attempts: letter!.attempts },
      { group: 'projections', id: 'bad', path: 'core', key: 't1:Order-9', attempts: 5 });
    assert.match(letter!.error, /projection store unavailable \(test\)/);
    assert.equal(letter!.message.envelope.id, 'bad');
  });

  it('consumers: an undecodable body is dead-lettered at once with its raw text; without a dead-letter queue the invocation fails', async () => {
    const result = await fn('consume-sagas-noncritical')(['{not json', 'null'], { triggerMetadata: { propertiesArray: [] } });
    assert.deepEqual(result, { consumed: 0, deadLettered: 2, skipped: 0 });
    assert.deepEqual(deadLetters.map((d) => [d.attempts, d.message.path, d.message.envelope.type, d.message.envelope.data]),
      [[1, 'noncritical', 'nexus.undecodable', '{not json'], [1, 'noncritical', 'nexus.undecodable', 'null']]);
    assert.match(deadLetters[0]!.error, /PermanentError: noncritical hub, group sagas, message 0: body is not JSON/);
    assert.match(deadLetters[1]!.error, /expected a CloudEvents 1\.0 envelope/);
    hasSink = false;
    await assert.rejects(fn('consume-sagas-noncritical')(['{not json'], {}), /body is not JSON/);
  });
});
