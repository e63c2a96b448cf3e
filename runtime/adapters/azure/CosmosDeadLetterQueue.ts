/**
 * Dead letters of the Event Hubs bus in the Cosmos `deadletters` container (ADR 0121, 0073):
 * partition key `/group`, one item per (group, message) with a deterministic id
 * `<group>|<message id>` (both URI-encoded), written with an upsert so a consumer that crashes
 * between the write and its checkpoint writes the same item again, never a second one.
 * `redrive` hands the stored message back to the bus (the adapter republishes it to its hub,
 * marked for the original group only) and then deletes the item; a missing id is a no-op.
 */
import type { Container } from '@azure/cosmos';
import type { BusMessage, DeadLetter, DeadLetterQueue } from '../../ports/EventBus';
import { CosmosStatus, cosmosCall, isCosmosStatus, readOrUndefined, translateCosmos } from './cosmosErrors';

export interface CosmosDeadLetterQueueOptions {
  readonly container: Container;
  /** Re-delivers a dead letter's message to its group only. */
  readonly redeliver: (letter: DeadLetter) => Promise<void>;
}

interface DeadLetterItem extends DeadLetter {
  readonly id: string;
}

const SERVICE = 'Cosmos DB deadletters container';

export const deadLetterId = (group: string, messageId: string): string => `${encodeURIComponent(group)}|${encodeURIComponent(messageId)}`;

function groupOf(id: string): string | undefined {
  const bar = typeof id === 'string' ? id.indexOf('|') : -1;
  if (bar <= 0) return undefined;
  try {
    return decodeURIComponent(id.slice(0, bar));
  } catch {
    return undefined;
  }
}

const toDeadLetter = (item: DeadLetterItem): DeadLetter => ({
  id: item.id, group: item.group, message: item.message, attempts: item.attempts, error: item.error, deadLetteredAt: item.deadLetteredAt,
});

export class CosmosDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly options: CosmosDeadLetterQueueOptions) {}

  /** Stores (or overwrites) the dead letter of `message` for `group`. */
  async put(group: string, message: BusMessage, attempts: number, error: string, at: Date): Promise<DeadLetter> {
    const item: DeadLetterItem = { id: deadLetterId(group, message.id), group, message, attempts, error: error.slice(0, 4000), deadLetteredAt: at.toISOString() };
    await cosmosCall(SERVICE, () => this.options.container.items.upsert(item));
    return toDeadLetter(item);
  }

  async list(options: { group?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const items = await this.query(options.group);
    const sorted = items.sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt) || a.id.localeCompare(b.id)).map(toDeadLetter);
    return options.limit === undefined ? sorted : sorted.slice(0, options.limit);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const group = groupOf(id);
    if (group === undefined) return undefined;
    const found = await readOrUndefined<DeadLetterItem>(SERVICE, () => this.options.container.item(id, group).read<DeadLetterItem>());
    return found ? toDeadLetter(found.resource) : undefined;
  }

  async redrive(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const letter = await this.get(id);
      if (!letter) continue;
      await this.options.redeliver(letter);
      if (await this.remove(letter.id, letter.group)) n++;
    }
    return n;
  }

  async purge(ids?: readonly string[]): Promise<number> {
    const targets = ids ? ids.map((id) => ({ id, group: groupOf(id) })) : (await this.query(undefined)).map((d) => ({ id: d.id, group: d.group }));
    let n = 0;
    for (const t of targets) if (t.group !== undefined && (await this.remove(t.id, t.group))) n++;
    return n;
  }

  async count(group?: string): Promise<number> {
    const query = { query: group === undefined ? 'SELECT VALUE COUNT(1) FROM c' : 'SELECT VALUE COUNT(1) FROM c WHERE c["group"] = @g', parameters: group === undefined ? [] : [{ name: '@g', value: group }] };
    const { resources } = await cosmosCall(SERVICE, () => this.options.container.items.query<number>(query, group === undefined ? {} : { partitionKey: group }).fetchAll());
    return resources.reduce((a, b) => a + b, 0);
  }

  private async query(group: string | undefined): Promise<DeadLetterItem[]> {
    const query = group === undefined ? { query: 'SELECT * FROM c' } : { query: 'SELECT * FROM c WHERE c["group"] = @g', parameters: [{ name: '@g', value: group }] };
    const { resources } = await cosmosCall(SERVICE, () => this.options.container.items.query<DeadLetterItem>(query, group === undefined ? {} : { partitionKey: group }).fetchAll());
    return resources;
  }

  private async remove(id: string, group: string): Promise<boolean> {
    try {
      await this.options.container.item(id, group).delete();
      return true;
    } catch (err) {
      if (isCosmosStatus(err, CosmosStatus.NotFound)) return false;
      throw translateCosmos(SERVICE, err);
    }
  }
}
