/**
 * Tenant isolation by construction: the core turns tenant-relative names into
 * `<tenant>:<name>` (streamIds.ts), and a name can never carry a tenant prefix of its own (':' is
 * not a name character). `tenantEventStore` is the view for code that acts for one tenant: every
 * stream it addresses must be qualified with that tenant, and readAll yields that tenant's events only.
 */
import type { EventStore, ExpectedVersion, ReadAllOptions, ReadStreamOptions } from '../../ports/EventStore';
import type { NewEvent } from '../../ports/events';
import { parseQualifiedStreamId, qualifiedStreamId } from '../streamIds';
import { ARCHITECTURE_RULES, ArchitectureViolationError } from './errors';

/** Throws unless `streamId` belongs to `tenant`. */
export function assertTenantStream(tenant: string, streamId: string): void {
  let owner: string | undefined;
  try {
    owner = parseQualifiedStreamId(streamId).tenant;
  } catch {
    owner = undefined;
  }
  if (owner !== tenant) {
    throw new ArchitectureViolationError(ARCHITECTURE_RULES.tenantIsolation, `tenant ${tenant} addressed stream "${streamId}"; expected a stream qualified "${tenant}:<name>"`);
  }
}

/** The tenant-relative name → stream id of `tenant` (rejects names that try to carry a tenant). */
export function tenantStream(tenant: string, name: string): string {
  return qualifiedStreamId(tenant, name);
}

export function tenantEventStore(store: EventStore, tenant: string): EventStore {
  const guarded = <T>(streamId: string, run: () => Promise<T>): Promise<T> => {
    try {
      assertTenantStream(tenant, streamId);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return run();
  };
  return Object.freeze({
    append: (streamId: string, events: readonly NewEvent[], expected?: ExpectedVersion) => guarded(streamId, () => store.append(streamId, events, expected)),
    readStream: (streamId: string, options?: ReadStreamOptions) => guarded(streamId, () => store.readStream(streamId, options)),
    streamInfo: (streamId: string) => guarded(streamId, () => store.streamInfo(streamId)),
    async readAll(options?: ReadAllOptions) {
      const page = await store.readAll(options);
      return { ...page, events: page.events.filter((e) => e.streamId.startsWith(`${tenant}:`)) };
    },
    close: async (): Promise<void> => undefined,
  } satisfies EventStore);
}
