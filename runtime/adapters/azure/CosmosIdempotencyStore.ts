/**
 * IdempotencyStore on Cosmos DB: container `idempotency`, partition key `/id`, default TTL -1
 * (items carry their own `ttl`, so Cosmos deletes expired records by itself). First writer wins
 * with a Create (409 = a record exists); an expired record that TTL has not yet removed is
 * treated as absent and replaced with IfMatch on its etag, so racing writers still get one winner.
 */
import type { Container } from '@azure/cosmos';
import { InvalidArgumentError, UnavailableError, systemClock, type Clock, type IdempotencyRecord, type IdempotencyStore } from '../../ports';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { checkIdempotencyArgs } from '../local/InMemoryIdempotencyStore';
import { CosmosStatus, isCosmosStatus, readOrUndefined, translateCosmos } from './cosmosErrors';

export interface CosmosIdempotencyStoreOptions {
  /** The `idempotency` container (partition key /id, defaultTtl -1). */
  readonly container: Container;
  readonly clock?: Clock;
  /** Attempts when racing writers keep replacing the same expired record; default 10. */
  readonly maxAttempts?: number;
}

interface IdempotencyItem {
  readonly id: string;
  readonly key: string;
  readonly value: string;
  readonly storedAt: string;
  readonly expiresAt: string;
  /** Seconds; Cosmos TTL (rounded up, at least 1). */
  readonly ttl: number;
}

const SERVICE = 'Cosmos DB idempotency container';

export class CosmosIdempotencyStore implements IdempotencyStore {
  readonly container: Container;
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private closed = false;

  constructor(options: CosmosIdempotencyStoreOptions) {
    this.container = options.container;
    this.clock = options.clock ?? systemClock;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }> {
    this.assertOpen();
    const json = checkIdempotencyArgs(key, value, ttlSeconds);
    const id = encodeURIComponent(key);
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      const item: IdempotencyItem = {
        id, key, value: json, storedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(), ttl: Math.max(1, Math.ceil(ttlSeconds)),
      };
      // Create first: the common case (a new command) costs one write and no read.
      const existing = attempt === 1 ? undefined : await readOrUndefined<IdempotencyItem>(SERVICE, () => this.container.item(id, id).read<IdempotencyItem>());
      try {
        if (attempt === 1 || !existing) await this.container.items.create(item);
        else {
          const live = this.live(existing.resource, now);
          if (live) return { stored: false, record: live };
          await this.container.item(id, id).replace(item, { accessCondition: { type: 'IfMatch', condition: existing.etag! } });
        }
        return { stored: true, record: this.live(item, now)! };
      } catch (err) {
        const lost = isCosmosStatus(err, CosmosStatus.Conflict) || isCosmosStatus(err, CosmosStatus.PreconditionFailed) || isCosmosStatus(err, CosmosStatus.NotFound);
        if (!lost) throw translateCosmos(SERVICE, err);
        if (attempt >= this.maxAttempts) throw new UnavailableError(SERVICE, `key ${key}: still contended after ${attempt} attempts; retry later`);
      }
    }
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('key', 'must be a non-empty string');
    const id = encodeURIComponent(key);
    const found = await readOrUndefined<IdempotencyItem>(SERVICE, () => this.container.item(id, id).read<IdempotencyItem>());
    return found ? this.live(found.resource, this.clock.now()) : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private live(item: IdempotencyItem, now: Date): IdempotencyRecord | undefined {
    if (Date.parse(item.expiresAt) <= now.getTime()) return undefined;
    return { key: item.key, value: JSON.parse(item.value) as unknown, storedAt: item.storedAt, expiresAt: item.expiresAt };
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('CosmosIdempotencyStore');
  }
}
