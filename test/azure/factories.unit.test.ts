/**
 * The azure adapter module: a factory for every manifest kind the registry routes to it (for
 * every port of its section), no Azure SDK loaded until a factory runs (fresh process), and every
 * factory builds its adapter from a manifest-shaped config without touching the network.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KIND_MODULES } from '../../runtime/adapters/registry';
import { factories } from '../../runtime/adapters/azure';
import { ManualClock, randomIds } from '../../runtime/ports';

const PORTS_OF_SECTION: Record<keyof typeof KIND_MODULES, ReadonlyArray<keyof typeof factories>> = {
  eventStore: ['eventStore', 'snapshotStore', 'checkpointStore', 'idempotencyStore'],
  bus: ['bus'],
  registry: ['registry'],
  search: ['search'],
  notifications: ['notifier'],
};

describe('azure adapter factories', () => {
  it('implements every manifest kind the registry assigns to the azure module, for every port of its section', () => {
    const missing: string[] = [];
    for (const [section, kinds] of Object.entries(KIND_MODULES) as Array<[keyof typeof KIND_MODULES, Record<string, string>]>) {
      for (const [kind, module] of Object.entries(kinds)) {
        if (module !== 'azure') continue;
        for (const port of PORTS_OF_SECTION[section]) {
          const byKind = factories[port] as Record<string, unknown> | undefined;
          if (typeof byKind?.[kind] !== 'function') missing.push(`${port}.${kind}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('loads no Azure SDK until a factory is called', () => {
    const root = join(__dirname, '..', '..');
    const script = "require('./runtime/adapters/azure/index'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@azure'))))";
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), []);
  });

  it('builds every adapter from manifest-shaped config (no request is made)', async () => {
    const ctx = { clock: new ManualClock(), ids: randomIds, secrets: { cosmosKey: 'bm90LWEta2V5' } };
    const cosmos = { kind: 'cosmos' as const, endpoint: 'https://nexus.documents.azure.com:443/', database: 'nexus', eventsContainer: 'events', snapshotsContainer: 'snapshots', checkpointsContainer: 'checkpoints' };
    const built = [
      await factories.eventStore!.cosmos!(cosmos, ctx),
      await factories.snapshotStore!.cosmos!(cosmos, ctx),
      await factories.checkpointStore!.cosmos!(cosmos, ctx),
      await factories.idempotencyStore!.cosmos!(cosmos, ctx),
      await factories.registry!['azure-schema-registry']!({ kind: 'azure-schema-registry', fullyQualifiedNamespace: 'nexus.servicebus.windows.net', group: 'nexus' }, ctx),
      await factories.search!['azure-ai-search']!({ kind: 'azure-ai-search', endpoint: 'https://nexus.search.windows.net' }, ctx),
      await factories.notifier!.webpubsub!({ kind: 'webpubsub', endpoint: 'https://nexus.webpubsub.azure.com', hub: 'nexus' }, ctx),
      await factories.bus!.eventhubs!({
        kind: 'eventhubs', fullyQualifiedNamespace: 'nexus.servicebus.windows.net', coreHub: 'core', noncriticalHub: 'noncritical', consumerGroups: { projections: 'projections' },
        deadLetter: { kind: 'cosmos', endpoint: cosmos.endpoint, database: 'nexus', container: 'deadletters' }, checkpointContainer: 'bus-checkpoints',
      }, ctx),
    ];
    assert.deepEqual(built.map((a) => a.constructor.name), [
      'CosmosEventStore', 'CosmosSnapshotStore', 'CosmosCheckpointStore', 'CosmosIdempotencyStore', 'AzureSchemaRegistry', 'AzureAiSearchIndex', 'WebPubSubNotifier', 'EventHubsEventBus',
    ]);
    for (const a of built) await a.close();
  });
});
