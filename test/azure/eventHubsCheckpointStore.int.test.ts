/**
 * CosmosEventHubsCheckpointStore (the Event Hubs processor's ownership + checkpoint store) on a
 * real `bus-checkpoints` container in cosmosdb-server: claims are etag-guarded (exactly one of
 * racing claimers wins a partition; a stale etag loses), checkpoints round-trip per scope.
 */
import assert from 'node:assert/strict';
import type { PartitionOwnership } from '@azure/event-hubs';
import { CosmosEventHubsCheckpointStore } from '../../runtime/adapters/azure/CosmosEventHubsCheckpointStore';
import { useCosmosServer } from '../servers/cosmos';
import { freshContainer } from './cosmosFixture';

const NS = 'nexus-test.servicebus.windows.net';
const own = (partitionId: string, ownerId: string, etag?: string): PartitionOwnership => ({
  fullyQualifiedNamespace: NS, eventHubName: 'core', consumerGroup: 'projections', partitionId, ownerId, ...(etag ? { etag } : {}),
});

describe('CosmosEventHubsCheckpointStore (cosmosdb-server)', function () {
  this.timeout(60_000);
  const server = useCosmosServer('test/azure/eventHubsCheckpointStore.int.test.ts (Event Hubs checkpoint store on Cosmos)');

  it('grants a new partition to exactly one of racing claimers, then only to the holder of the current etag', async () => {
    const { container, drop } = await freshContainer(server(), 'bus-checkpoints');
    try {
      const store = new CosmosEventHubsCheckpointStore(container);
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => store.claimOwnership([own('0', owner)])));
      const winners = results.flat();
      assert.equal(winners.length, 1, 'one claimer wins partition 0');
      const [listed] = await store.listOwnership(NS, 'core', 'projections');
      assert.equal(listed?.ownerId, winners[0]!.ownerId);
      assert.ok(listed?.etag);
      const steal = await store.claimOwnership([own('0', 'e', listed.etag)]);
      assert.equal(steal.length, 1, 'a claim with the current etag takes over');
      assert.deepEqual(await store.claimOwnership([own('0', 'f', listed.etag)]), [], 'a stale etag loses');
      assert.equal((await store.listOwnership(NS, 'core', 'projections'))[0]?.ownerId, 'e');
      assert.deepEqual(await store.listOwnership(NS, 'core', 'other-group'), []);
    } finally {
      await drop();
    }
  });

  it('stores checkpoints per (namespace, hub, group, partition) and overwrites them', async () => {
    const { container, drop } = await freshContainer(server(), 'bus-checkpoints');
    try {
      const store = new CosmosEventHubsCheckpointStore(container);
      const cp = (partitionId: string, sequenceNumber: number) => ({ fullyQualifiedNamespace: NS, eventHubName: 'core', consumerGroup: 'projections', partitionId, sequenceNumber, offset: String(sequenceNumber * 10) });
      await store.updateCheckpoint(cp('0', 5));
      await store.updateCheckpoint(cp('1', 7));
      await store.updateCheckpoint(cp('0', 9));
      const list = (await store.listCheckpoints(NS, 'core', 'projections')).sort((a, b) => a.partitionId.localeCompare(b.partitionId));
      assert.deepEqual(list.map((c) => [c.partitionId, c.sequenceNumber, c.offset]), [['0', 9, '90'], ['1', 7, '70']]);
      assert.deepEqual(await store.listCheckpoints(NS, 'noncritical', 'projections'), []);
    } finally {
      await drop();
    }
  });
});
