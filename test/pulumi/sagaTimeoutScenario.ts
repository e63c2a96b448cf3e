/**
 * The saga timeout scenario the entry point tests share: on a local (in-memory) manifest, stock
 * a SKU, place an order through the API, relay it and let the fulfilment saga react (it reserves
 * the stock and arms the payment timeout); then read what became of the order and the stock.
 * Works on a NexusApp built from source or on an entry point loaded from the bundle.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { NexusManifest } from '../../runtime/manifest';
import type { RuntimeAdapters } from '../../runtime/createRuntime';
import type { CloudEventEnvelope } from '../../runtime/ports';
import { toEnvelope } from '../../runtime/core/relay';
import { mintToken, SCOPES } from '../../runtime/http/auth';
import { ROOT } from './plans';

/** The NexusApp surface the scenario drives (the bundle's app has the same shape). */
export interface ScenarioApp {
  http(r: { method: string; url: string; headers: Record<string, string>; body?: string }): Promise<{ statusCode: number; body: string }>;
  relay(): Promise<number>;
  consume(group: string, envelopes: readonly CloudEventEnvelope[]): Promise<number>;
  runtime(): Promise<RuntimeAdapters>;
}

export const SECRET = 's'.repeat(48);
export const TENANT = 't1';

export function localManifest(dir: string, stack = 'saga-timeouts'): NexusManifest {
  return {
    manifestVersion: 1, cloud: 'local', stack, environment: 'dev',
    eventStore: { kind: 'memory' }, bus: { kind: 'memory' },
    registry: { kind: 'local', path: path.join(dir, 'registry.db'), schemasDir: path.join(ROOT, 'schemas') },
    search: { kind: 'memory' }, notifications: { kind: 'memory' },
    snapshots: { everyNEvents: 100, maxAgeSeconds: 3600 }, routing: { noncritical: [] },
  };
}

async function command(app: ScenarioApp, url: string, body: object): Promise<void> {
  const token = await mintToken(SECRET, { tenant: TENANT, scopes: [...SCOPES], subject: 'saga-timeout-test' });
  const res = await app.http({
    method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
}

/** Restocks `sku` (5 units), places order `orderId` for 2 of them, and runs the saga on OrderPlaced. */
export async function placeUnpaidOrder(app: ScenarioApp, orderId: string, sku: string): Promise<void> {
  await command(app, `/commands/Inventory/${sku}`, { type: 'Restock', payload: { quantity: 5 } });
  await command(app, `/commands/Order/${orderId}`, {
    type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku, name: 'A book', quantity: 2, unitPriceCents: 1500 }] },
  });
  await app.relay();
  const rt = await app.runtime();
  const placed = (await rt.eventStore.readStream(`${TENANT}:Order-${orderId}`)).filter((e) => e.type === 'OrderPlaced');
  assert.equal(placed.length, 1);
  assert.equal(await app.consume('sagas', placed.map((e) => toEnvelope(e))), 1, 'the fulfilment saga reacts to OrderPlaced');
  const stock = await outcome(app, orderId, sku);
  assert.deepEqual(stock.stock, ['StockRestocked', 'StockReserved'], 'the saga reserved the stock and now waits for payment');
}

export interface Outcome {
  /** Event types of the order stream and of the SKU's inventory stream, in order. */
  readonly order: string[];
  readonly stock: string[];
}

export async function outcome(app: ScenarioApp, orderId: string, sku: string): Promise<Outcome> {
  const rt = await app.runtime();
  const types = async (stream: string) => (await rt.eventStore.readStream(`${TENANT}:${stream}`)).map((e) => e.type);
  return { order: await types(`Order-${orderId}`), stock: await types(`Inventory-${sku}`) };
}

/** What a fired payment timeout leaves behind: the order cancelled, its reservation released. */
export const TIMED_OUT: Outcome = { order: ['OrderPlaced', 'OrderCancelled'], stock: ['StockRestocked', 'StockReserved', 'StockReleased'] };
export const WAITING: Outcome = { order: ['OrderPlaced'], stock: ['StockRestocked', 'StockReserved'] };

/**
 * Runs `fn` with the wall clock `ms` ahead (Date and Date.now only; timers are untouched), for
 * code that reads `new Date()` itself — the entry points' sagas use the 15-minute payment timeout.
 */
export async function withClockAhead<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class AheadDate extends RealDate {
    constructor(...args: unknown[]) {
      super(...((args.length === 0 ? [RealDate.now() + ms] : args) as [number]));
    }

    static override now(): number {
      return RealDate.now() + ms;
    }
  }
  globalThis.Date = AheadDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}
