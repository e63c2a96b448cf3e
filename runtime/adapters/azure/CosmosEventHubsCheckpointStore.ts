/**
 * The Event Hubs processor's CheckpointStore (partition ownership + checkpoints) in the Cosmos
 * `bus-checkpoints` container (partition key /id) instead of Blob Storage, so the bus needs no
 * storage account (ADR 0073). Ownership claims are optimistic: a claim carrying an etag replaces
 * the ownership item only IfMatch that etag (a claim without one only creates it); a lost race
 * (412/409) is simply not returned, as the SDK's load balancer expects.
 */
import type { Container } from '@azure/cosmos';
import type { Checkpoint, CheckpointStore, PartitionOwnership } from '@azure/event-hubs';
import { CosmosStatus, cosmosCall, isCosmosStatus, translateCosmos } from './cosmosErrors';

const SERVICE = 'Cosmos DB bus-checkpoints container';

interface OwnershipItem {
  readonly id: string;
  readonly kind: 'ownership';
  readonly scope: string;
  readonly partitionId: string;
  readonly ownerId: string;
  readonly _etag?: string;
  readonly _ts?: number;
}
interface CheckpointItem {
  readonly id: string;
  readonly kind: 'checkpoint';
  readonly scope: string;
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: string;
}

const scopeOf = (ns: string, hub: string, group: string): string => `${ns.toLowerCase()}|${hub.toLowerCase()}|${group.toLowerCase()}`;
const itemId = (kind: string, scope: string, partitionId: string): string => encodeURIComponent(`${kind}|${scope}|${partitionId}`);

export class CosmosEventHubsCheckpointStore implements CheckpointStore {
  constructor(private readonly container: Container) {}

  async listOwnership(ns: string, hub: string, group: string): Promise<PartitionOwnership[]> {
    const items = await this.list<OwnershipItem>('ownership', scopeOf(ns, hub, group));
    return items.map((o) => ({
      fullyQualifiedNamespace: ns, eventHubName: hub, consumerGroup: group, partitionId: o.partitionId, ownerId: o.ownerId,
      ...(o._etag ? { etag: o._etag } : {}), ...(o._ts ? { lastModifiedTimeInMs: o._ts * 1000 } : {}),
    }));
  }

  async claimOwnership(claims: PartitionOwnership[]): Promise<PartitionOwnership[]> {
    const won: PartitionOwnership[] = [];
    for (const c of claims) {
      const scope = scopeOf(c.fullyQualifiedNamespace, c.eventHubName, c.consumerGroup);
      const item = { id: itemId('ownership', scope, c.partitionId), kind: 'ownership' as const, scope, partitionId: c.partitionId, ownerId: c.ownerId };
      try {
        const r = c.etag
          ? await this.container.item(item.id, item.id).replace(item, { accessCondition: { type: 'IfMatch', condition: c.etag } })
          : await this.container.items.create(item);
        const stored = r.resource as OwnershipItem | undefined;
        won.push({ ...c, ...(stored?._etag ? { etag: stored._etag } : {}), lastModifiedTimeInMs: (stored?._ts ?? Math.floor(Date.now() / 1000)) * 1000 });
      } catch (err) {
        const lost = isCosmosStatus(err, CosmosStatus.PreconditionFailed) || isCosmosStatus(err, CosmosStatus.Conflict) || isCosmosStatus(err, CosmosStatus.NotFound);
        if (!lost) throw translateCosmos(SERVICE, err);
      }
    }
    return won;
  }

  async listCheckpoints(ns: string, hub: string, group: string): Promise<Checkpoint[]> {
    const items = await this.list<CheckpointItem>('checkpoint', scopeOf(ns, hub, group));
    return items.map((c) => ({ fullyQualifiedNamespace: ns, eventHubName: hub, consumerGroup: group, partitionId: c.partitionId, sequenceNumber: c.sequenceNumber, offset: c.offset }));
  }

  async updateCheckpoint(c: Checkpoint): Promise<void> {
    const scope = scopeOf(c.fullyQualifiedNamespace, c.eventHubName, c.consumerGroup);
    const item: CheckpointItem = { id: itemId('checkpoint', scope, c.partitionId), kind: 'checkpoint', scope, partitionId: c.partitionId, sequenceNumber: c.sequenceNumber, offset: String(c.offset) };
    await cosmosCall(SERVICE, () => this.container.items.upsert(item));
  }

  private async list<T>(kind: string, scope: string): Promise<T[]> {
    const query = { query: 'SELECT * FROM c WHERE c.kind = @k AND c.scope = @s', parameters: [{ name: '@k', value: kind }, { name: '@s', value: scope }] };
    const { resources } = await cosmosCall(SERVICE, () => this.container.items.query<T>(query).fetchAll());
    return resources;
  }
}
