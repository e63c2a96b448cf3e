/**
 * In-memory IdempotencyStore: first writer wins per key until the record expires (by the
 * injected clock, so tests can move time).
 */
import { InvalidArgumentError, systemClock, type Clock, type IdempotencyRecord, type IdempotencyStore } from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';

export function checkIdempotencyArgs(key: unknown, value: unknown, ttlSeconds: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
    throw new InvalidArgumentError('key', `must be a non-empty string of at most 512 characters, got ${JSON.stringify(key)}`);
  }
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new InvalidArgumentError('ttlSeconds', `must be a number > 0, got ${String(ttlSeconds)}`);
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new InvalidArgumentError('value', 'must be JSON-serialisable');
  return json;
}

export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly clock: Clock;
  private readonly records = new Map<string, IdempotencyRecord>();
  private closed = false;

  constructor(options: { readonly clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }> {
    this.assertOpen();
    const json = checkIdempotencyArgs(key, value, ttlSeconds);
    const now = this.clock.now();
    const existing = this.live(key, now);
    if (existing) return { stored: false, record: this.copy(existing) };
    const record: IdempotencyRecord = {
      key,
      value: JSON.parse(json) as unknown,
      storedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    };
    this.records.set(key, record);
    return { stored: true, record: this.copy(record) };
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('key', 'must be a non-empty string');
    const r = this.live(key, this.clock.now());
    return r && this.copy(r);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private live(key: string, now: Date): IdempotencyRecord | undefined {
    const r = this.records.get(key);
    if (r && Date.parse(r.expiresAt) <= now.getTime()) {
      this.records.delete(key);
      return undefined;
    }
    return r;
  }

  private copy(r: IdempotencyRecord): IdempotencyRecord {
    return { ...r, value: structuredClone(r.value) };
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('InMemoryIdempotencyStore');
  }
}
