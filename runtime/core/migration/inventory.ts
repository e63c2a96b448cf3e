/**
 * Reads a whole store once through readAll and summarises it: per-stream fingerprints (hash
 * chain), per event type/version counts, and the upcasts an upcaster chain would apply.
 * The same pass serves the dry run, the progress total and the verification.
 */
import type { EventStore } from '../../ports/EventStore';
import { extend, type StreamFingerprint } from './hashChain';

export interface UpcastInfo {
  /** Latest schema version of an event type, undefined when the type has no schema. */
  latestVersion(eventType: string): number | undefined;
}

export interface StoreInventory {
  readonly events: number;
  readonly streams: Map<string, StreamFingerprint>;
  /** "Type vN" → count. */
  readonly byTypeVersion: Map<string, number>;
  /** "Type vN→vM" → count of events an upcaster chain would upcast on read. */
  readonly upcasts: Map<string, number>;
}

export async function inventory(
  store: EventStore,
  options: { readonly upcasters?: UpcastInfo; readonly pageSize?: number; readonly onPage?: (events: number) => void } = {},
): Promise<StoreInventory> {
  const streams = new Map<string, StreamFingerprint>();
  const byTypeVersion = new Map<string, number>();
  const upcasts = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  let events = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: options.pageSize ?? 2000 });
    for (const e of page.events) {
      streams.set(e.streamId, extend(streams.get(e.streamId), e));
      bump(byTypeVersion, `${e.type} v${e.schemaVersion}`);
      const latest = options.upcasters?.latestVersion(e.type);
      if (latest !== undefined && latest > e.schemaVersion) bump(upcasts, `${e.type} v${e.schemaVersion}→v${latest}`);
    }
    events += page.events.length;
    options.onPage?.(events);
    after = page.checkpoint;
    if (page.isEnd || page.events.length === 0) break;
  }
  return { events, streams, byTypeVersion, upcasts };
}
