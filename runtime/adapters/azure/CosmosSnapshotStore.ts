/**
 * SnapshotStore on Cosmos DB: container `snapshots`, partition key `/streamId` (one logical
 * partition per stream), one item per (stream, version) with id `v<version, 10 digits>`, so
 * saving the same version again is an upsert that replaces it. The state is kept as JSON text
 * (exact round trip; the container's indexing policy has no use for its fields). A load is one
 * single-partition `SELECT TOP 1 ... ORDER BY c.version DESC` query.
 */
import type { Container } from '@azure/cosmos';
import type { LoadSnapshotOptions, Snapshot, SnapshotStore } from '../../ports';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { checkLoadOptions, fromSnapshotRecord, toSnapshotRecord, type SnapshotRecord } from '../local/SnapshotRules';
import { CosmosStatus, cosmosCall, cosmosStatus } from './cosmosErrors';
import { SnapshotTooLargeError, MAX_SNAPSHOT_BYTES } from '../../ports';

export interface CosmosSnapshotStoreOptions {
  /** The `snapshots` container (partition key /streamId). */
  readonly container: Container;
}

interface SnapshotItem extends SnapshotRecord {
  readonly id: string;
}

const SERVICE = 'Cosmos DB snapshots container';

export class CosmosSnapshotStore implements SnapshotStore {
  readonly container: Container;
  private closed = false;

  constructor(options: CosmosSnapshotStoreOptions) {
    this.container = options.container;
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.assertOpen();
    const item: SnapshotItem = { id: `v${String(snapshot.version).padStart(10, '0')}`, ...toSnapshotRecord(snapshot) };
    try {
      await cosmosCall(SERVICE, () => this.container.items.upsert(item));
    } catch (err) {
      if (cosmosStatus(err) === CosmosStatus.TooLarge) throw new SnapshotTooLargeError(snapshot.streamId, MAX_SNAPSHOT_BYTES + 1, MAX_SNAPSHOT_BYTES);
      throw err;
    }
  }

  async load(streamId: string, options: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
    this.assertOpen();
    checkLoadOptions(streamId, options);
    const where = ['c.streamId = @s'];
    const parameters: Array<{ name: string; value: string | number }> = [{ name: '@s', value: streamId }];
    if (options.maxVersion !== undefined) {
      where.push('c.version <= @max');
      parameters.push({ name: '@max', value: options.maxVersion });
    }
    if (options.stateVersion !== undefined) {
      where.push('c.stateVersion = @sv');
      parameters.push({ name: '@sv', value: options.stateVersion });
    }
    const query = { query: `SELECT TOP 1 * FROM c WHERE ${where.join(' AND ')} ORDER BY c.version DESC`, parameters };
    const { resources } = await cosmosCall(SERVICE, () => this.container.items.query<SnapshotItem>(query, { partitionKey: streamId }).fetchAll());
    const item = resources[0];
    return item ? fromSnapshotRecord(item) : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('CosmosSnapshotStore');
  }
}
