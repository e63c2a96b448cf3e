/**
 * Shared pieces of the dashboard/observability tests: a local app in a fresh directory (as
 * `npm start` runs it, on a random port) and an authenticated fetch with its dev token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '../../runtime/http/localApp';
import { localManifest } from '../../runtime/manifest';

export interface Started {
  readonly local: LocalApp;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: () => unknown }>;
  close(): Promise<void>;
}

export async function startApp(options: LocalAppOptions & { snapshotsEveryNEvents?: number } = {}): Promise<Started> {
  const root = mkdtempSync(join(tmpdir(), 'nexus-dash-'));
  const dir = join(root, '.nexus');
  const { snapshotsEveryNEvents, ...rest } = options;
  const base = localManifest(dir);
  const manifest = snapshotsEveryNEvents === undefined ? base : { ...base, snapshots: { ...base.snapshots, everyNEvents: snapshotsEveryNEvents } };
  const local = await startLocalApp({ ...rest, dir, manifest, port: 0 });
  return {
    local,
    call: async (method, path, body) => {
      const res = await fetch(`${local.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${local.devToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, text, json: () => JSON.parse(text) as unknown };
    },
    close: async () => {
      await local.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const PLACE_ORDER = {
  type: 'PlaceOrder',
  payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK-1', name: 'A book', quantity: 1, unitPriceCents: 1500 }] },
};

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
