/**
 * CheckpointStore on Cosmos DB: container `checkpoints`, partition key `/id`, one item per name
 * (id = the name URI-encoded, since Cosmos ids may not hold '/', '\\', '?' or '#'). Plain set is
 * an upsert; compare-and-set is a Create (expected absent: 409 = someone was first) or a Replace
 * with IfMatch on the etag of the item whose value was compared (412 = it moved meanwhile).
 */
import type { Container } from '@azure/cosmos';
import { CheckpointConflictError, InvalidArgumentError, type CheckpointStore } from '../../ports';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { CosmosStatus, cosmosCall, isCosmosStatus, readOrUndefined, translateCosmos } from './cosmosErrors';

export interface CosmosCheckpointStoreOptions {
  /** The `checkpoints` container (partition key /id); the bus uses its `bus-checkpoints` container the same way. */
  readonly container: Container;
}

interface CheckpointItem {
  readonly id: string;
  readonly name: string;
  readonly value: string;
}

const SERVICE = 'Cosmos DB checkpoints container';

export const checkpointItemId = (name: string): string => encodeURIComponent(name);

export class CosmosCheckpointStore implements CheckpointStore {
  readonly container: Container;
  private closed = false;

  constructor(options: CosmosCheckpointStoreOptions) {
    this.container = options.container;
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.read(name))?.value;
  }

  async set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void> {
    this.assertOpen();
    checkName(name);
    if (typeof value !== 'string') throw new InvalidArgumentError('value', 'must be a string');
    const item: CheckpointItem = { id: checkpointItemId(name), name, value };
    if (!expected) {
      await cosmosCall(SERVICE, () => this.container.items.upsert(item));
      return;
    }
    try {
      if (expected.current === undefined) {
        await this.container.items.create(item);
        return;
      }
      const current = await this.read(name);
      if (current?.value !== expected.current) throw new CheckpointConflictError(name, expected.current, current?.value);
      await this.container.item(item.id, item.id).replace(item, { accessCondition: { type: 'IfMatch', condition: current.etag! } });
    } catch (err) {
      if (isCosmosStatus(err, CosmosStatus.Conflict) || isCosmosStatus(err, CosmosStatus.PreconditionFailed) || isCosmosStatus(err, CosmosStatus.NotFound)) {
        throw new CheckpointConflictError(name, expected.current, (await this.read(name))?.value);
      }
      throw translateCosmos(SERVICE, err);
    }
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    checkName(name);
    const id = checkpointItemId(name);
    try {
      await this.container.item(id, id).delete();
    } catch (err) {
      if (!isCosmosStatus(err, CosmosStatus.NotFound)) throw translateCosmos(SERVICE, err);
    }
  }

  async list(prefix = ''): Promise<Array<{ name: string; value: string }>> {
    this.assertOpen();
    const query = { query: 'SELECT c.name, c["value"] FROM c WHERE STARTSWITH(c.name, @p)', parameters: [{ name: '@p', value: prefix }] };
    const { resources } = await cosmosCall(SERVICE, () => this.container.items.query<{ name: string; value: string }>(query).fetchAll());
    // Sorted here by UTF-16 code unit like every other adapter (a cross-partition ORDER BY costs more RU).
    return resources.map((r) => ({ name: r.name, value: r.value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async read(name: string): Promise<{ value: string; etag?: string } | undefined> {
    this.assertOpen();
    checkName(name);
    const id = checkpointItemId(name);
    const found = await readOrUndefined<CheckpointItem>(SERVICE, () => this.container.item(id, id).read<CheckpointItem>());
    return found ? { value: found.resource.value, etag: found.etag } : undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('CosmosCheckpointStore');
  }
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) {
    throw new InvalidArgumentError('name', `must be a non-empty string of at most 512 characters, got ${JSON.stringify(name)}`);
  }
}
