/**
 * CheckpointStore on Cosmos DB: container `checkpoints`, partition key `/id`, one item per name
 * (id = the name URI-encoded, since Cosmos ids may not hold '/', '\\', '?' or '#'). Plain set is
 * an upsert; compare-and-set is a Create (expected absent: 409 = someone was first) or a Replace
 * with IfMatch on the etag of the item whose value was compared (412 = it moved meanwhile).
 */
import type { Container } from '@azure/cosmos';
import {
  CheckpointConflictError, InvalidArgumentError, checkCheckpointListArgs, type CheckpointListOptions, type CheckpointStore,
} from '../../ports';
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
/** Items per query page when list() has no smaller limit. */
const PAGE_SIZE = 1000;

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

  /**
   * One cross-partition query over the range index on /name: STARTSWITH for the prefix (exact in
   * any string order), `c.name <= @to`, ORDER BY c.name and, with a limit, TOP @n; read page by
   * page and no further than the limit. The order is the server's (merged across partitions by
   * the SDK with JavaScript's `<`, i.e. UTF-16 code units: see ADR 0139 for where that differs).
   */
  async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    this.assertOpen();
    const { prefix: p, to, limit } = checkCheckpointListArgs(prefix, options);
    const where: string[] = [];
    const parameters: Array<{ name: string; value: string | number }> = [];
    if (p !== '') {
      where.push('STARTSWITH(c.name, @p)');
      parameters.push({ name: '@p', value: p });
    }
    if (to !== undefined) {
      where.push('c.name <= @to');
      parameters.push({ name: '@to', value: to });
    }
    if (limit !== undefined) parameters.push({ name: '@n', value: limit });
    const query = `SELECT ${limit === undefined ? '' : 'TOP @n '}c.name, c["value"] FROM c${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.name`;
    const iterator = this.container.items.query<{ name: string; value: string }>({ query, parameters }, { maxItemCount: Math.min(limit ?? PAGE_SIZE, PAGE_SIZE) });
    const out: Array<{ name: string; value: string }> = [];
    while (iterator.hasMoreResults() && (limit === undefined || out.length < limit)) {
      const page = await cosmosCall(SERVICE, () => iterator.fetchNext());
      for (const r of page.resources) if (limit === undefined || out.length < limit) out.push({ name: r.name, value: r.value });
    }
    return out;
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
