/**
 * Upcasters (ADR 0024): per event type, a chain of pure version-to-version transforms
 * v1→v2→…→latest applied on read, so that deciders, projections and APIs only ever see the
 * latest shape. Stored events are never rewritten. A chain with a missing or duplicate link
 * is refused when it is built (at startup), not discovered on the first old event.
 *
 * Links come from two places: explicit functions for semantic changes, and `schemaUpcasters`,
 * which derives a link from the two schemas with Avro resolution (defaults fill added fields,
 * aliases carry renamed ones), so a compatible schema change needs no hand-written code.
 */
import { Type } from 'avsc';
import type { StoredEvent } from '../../ports/events';
import { NexusError, hasCode } from '../../ports/errors';
import { jsonType } from './avro';
import { resolverError } from './resolution';
import type { SchemaSet } from './schemaFiles';

export type EventData = Readonly<Record<string, unknown>>;

/** One link: turns data of `fromVersion` into data of `fromVersion + 1`. Must be pure. */
export interface UpcasterLink {
  readonly eventType: string;
  readonly fromVersion: number;
  readonly upcast: (data: EventData) => EventData;
  /** Where the link comes from, for error messages ("avro resolution", "examples/orders/upcasters.ts"). */
  readonly origin?: string;
}

/** The chain of an event type is incomplete or inconsistent: a startup error. */
export class UpcasterChainError extends NexusError {
  readonly code = 'UPCASTER_CHAIN_INVALID' as const;
}
export const isUpcasterChainError = (e: unknown): e is UpcasterChainError => hasCode(e, 'UPCASTER_CHAIN_INVALID');

/** A stored event could not be upcast (its data does not match the version it claims). */
export class UpcastError extends NexusError {
  readonly code = 'UPCAST_FAILED' as const;
}
export const isUpcastError = (e: unknown): e is UpcastError => hasCode(e, 'UPCAST_FAILED');

export class UpcasterChain {
  private readonly links = new Map<string, Map<number, UpcasterLink>>();

  /**
   * @param latest latest schema version per event type (from the registry or `schemas/`)
   * @param links one link per (type, fromVersion) for every version below latest
   * @throws UpcasterChainError naming every missing, duplicate or stray link
   */
  constructor(private readonly latest: ReadonlyMap<string, number>, links: readonly UpcasterLink[]) {
    const problems: string[] = [];
    for (const link of links) {
      const top = latest.get(link.eventType);
      if (top === undefined) problems.push(`${link.eventType}: upcaster v${link.fromVersion}→v${link.fromVersion + 1} for an event type with no schema`);
      else if (!Number.isInteger(link.fromVersion) || link.fromVersion < 1 || link.fromVersion >= top) {
        problems.push(`${link.eventType}: upcaster v${link.fromVersion}→v${link.fromVersion + 1} is outside 1..${top} (latest is v${top})`);
      }
      const byVersion = this.links.get(link.eventType) ?? new Map<number, UpcasterLink>();
      if (byVersion.has(link.fromVersion)) problems.push(`${link.eventType}: two upcasters for v${link.fromVersion}→v${link.fromVersion + 1}`);
      byVersion.set(link.fromVersion, link);
      this.links.set(link.eventType, byVersion);
    }
    for (const [type, top] of latest) {
      for (let v = 1; v < top; v++) {
        if (!this.links.get(type)?.has(v)) problems.push(`${type}: missing upcaster v${v}→v${v + 1} (latest is v${top})`);
      }
    }
    if (problems.length > 0) throw new UpcasterChainError(`upcaster chain is incomplete: ${problems.join('; ')}`);
  }

  latestVersion(eventType: string): number | undefined {
    return this.latest.get(eventType);
  }

  /** Latest version per event type (what writers should stamp). */
  latestVersions(): ReadonlyMap<string, number> {
    return this.latest;
  }

  /** The event in its type's latest version; the same object when nothing needs to change. */
  upcast<E extends StoredEvent>(event: E): E {
    const top = this.latest.get(event.type);
    if (top === undefined || event.schemaVersion === top) return event;
    if (event.schemaVersion > top) {
      throw new UpcastError(`event ${event.eventId} (${event.type}) is v${event.schemaVersion}, newer than the latest known v${top}: deploy the newer schema first`);
    }
    let data: EventData = event.data;
    for (let v = event.schemaVersion; v < top; v++) {
      const link = this.links.get(event.type)!.get(v)!;
      try {
        data = link.upcast(data);
      } catch (err) {
        throw new UpcastError(`event ${event.eventId} (${event.type}): upcast v${v}→v${v + 1} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return { ...event, schemaVersion: top, data };
  }

  upcastAll<E extends StoredEvent>(events: readonly E[]): E[] {
    return events.map((e) => this.upcast(e));
  }
}

/**
 * A link derived from two schema versions by Avro resolution: encode with the old schema,
 * decode with the new one. Throws UpcasterChainError if the new schema cannot read old data
 * (then the change needs an explicit upcaster).
 */
export function avroUpcaster(eventType: string, fromVersion: number, fromSchema: string | object, toSchema: string | object): UpcasterLink {
  const writer: Type = jsonType(fromSchema);
  const reader: Type = jsonType(toSchema);
  const error = resolverError(reader, writer);
  if (error !== undefined) {
    throw new UpcasterChainError(`${eventType}: v${fromVersion + 1} cannot read v${fromVersion} data (${error}); register an explicit upcaster for v${fromVersion}→v${fromVersion + 1}`);
  }
  const resolver = reader.createResolver(writer);
  return {
    eventType,
    fromVersion,
    origin: 'avro resolution',
    upcast: (data) => JSON.parse(JSON.stringify(reader.fromBuffer(writer.toBuffer(data), resolver))) as EventData,
  };
}

/**
 * The full chain for a schema set: explicit links win; every other consecutive pair is
 * derived by Avro resolution. Throws UpcasterChainError when a pair can be neither.
 */
export function schemaUpcasters(set: SchemaSet, explicit: readonly UpcasterLink[] = []): UpcasterChain {
  const latest = new Map<string, number>();
  const links: UpcasterLink[] = [...explicit];
  const problems: string[] = [];
  for (const [subject, files] of set.subjects) {
    latest.set(subject, files.versions.length);
    for (let i = 0; i + 1 < files.versions.length; i++) {
      const from = files.versions[i]!;
      if (explicit.some((l) => l.eventType === subject && l.fromVersion === from.version)) continue;
      try {
        links.push(avroUpcaster(subject, from.version, from.schema, files.versions[i + 1]!.schema));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  if (problems.length > 0) throw new UpcasterChainError(`upcaster chain is incomplete: ${problems.join('; ')}`);
  return new UpcasterChain(latest, links);
}

export interface RegistryUpcasterOptions {
  /**
   * Event types to build chains for (e.g. every decider's `eventTypes`). Default: every subject
   * whose latest schema can describe JSON events — subjects registered by Kafka clients through
   * the Confluent API (e.g. with unions plain JSON cannot tell apart) must not stop a runtime.
   */
  readonly eventTypes?: readonly string[];
}

/** The same chain built from what a registry holds (cloud runtimes whose schemas live there). */
export async function registryUpcasters(
  registry: { subjects(): Promise<string[]>; versions(s: string): Promise<number[]>; get(s: string, v: number): Promise<{ schema: string }> },
  explicit: readonly UpcasterLink[] = [],
  options: RegistryUpcasterOptions = {},
): Promise<UpcasterChain> {
  const wanted = options.eventTypes ? new Set(options.eventTypes) : undefined;
  const subjects = new Map<string, { subject: string; versions: Array<{ version: number; path: string; schema: string }> }>();
  for (const subject of await registry.subjects()) {
    if (wanted && !wanted.has(subject)) continue;
    const versions = [];
    for (const version of await registry.versions(subject)) {
      versions.push({ version, path: `${subject}@${version}`, schema: (await registry.get(subject, version)).schema });
    }
    if (!wanted && !describesJsonEvents(versions[versions.length - 1]?.schema)) continue;
    subjects.set(subject, { subject, versions });
  }
  return schemaUpcasters({ defaultCompatibility: 'BACKWARD', subjects }, explicit);
}

function describesJsonEvents(schema: string | undefined): boolean {
  if (schema === undefined) return false;
  try {
    return jsonType(schema).typeName === 'record';
  } catch {
    return false;
  }
}
