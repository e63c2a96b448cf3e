/**
 * Small shared helpers for the Nexus policy pack: reading nested properties from resource
 * inputs, finding the Nexus component that owns a resource from its URN, the stack environment
 * (dev vs. anything else), JSON documents embedded in inputs (IAM/queue policies), and policy
 * config with defaults (the CLI fills defaults from the config schema; offline callers may not).
 */
export type Props = Readonly<Record<string, unknown>>;

/** Nested property lookup: `get(props, 'serverSideEncryption', 'kmsKeyArn')`. */
export function get(props: unknown, ...path: string[]): unknown {
  let cur: unknown = props;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Parses a JSON document given as a string or an object; undefined when it is neither. */
export function jsonDoc(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string') {
    try { return JSON.parse(v) as Record<string, unknown>; } catch { return undefined; }
  }
  return v && typeof v === 'object' ? v as Record<string, unknown> : undefined;
}

/** The Nexus component types a resource can belong to (type tokens in components/tokens.ts). */
export type NexusComponent = 'eventstore' | 'eventbus' | 'schemaregistry' | 'searchindex' | 'notifications' | 'runtime' | 'observability';

/** Parent type chain of a URN: `urn:pulumi:s::p::A$B$C::name` → [A, B] (C is the resource's own type). */
export function parentTypes(urn: string): string[] {
  const parts = urn.split('::');
  const chain = parts.length >= 4 ? parts[2] ?? '' : '';
  return chain.split('$').slice(0, -1);
}

/** The innermost Nexus component (`nexus:<module>:<Type>`) that owns the resource, from its URN. */
export function componentOf(urn: string): NexusComponent | undefined {
  const nexus = parentTypes(urn).filter((t) => t.startsWith('nexus:') && !t.startsWith('nexus:platform:'));
  const last = nexus[nexus.length - 1];
  return last ? last.split(':')[1] as NexusComponent : undefined;
}

/** Stack name from a URN (`urn:pulumi:<stack>::...`). */
export function stackOf(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? '';
}

/**
 * The stack's environment: the `nexus-environment` tag or label the providers put on resources,
 * else the stack name. Resources without tags (e.g. Cosmos containers) fall back to the stack.
 */
export function environmentOf(props: Props, urn: string): string {
  const tagged = str(get(props, 'tags', 'nexus-environment')) ?? str(get(props, 'labels', 'nexus-environment'));
  return tagged ?? stackOf(urn);
}

export const DEFAULT_DEV_ENVIRONMENTS: readonly string[] = ['dev'];

export function isDev(env: string, devEnvironments: readonly string[] = DEFAULT_DEV_ENVIRONMENTS): boolean {
  return devEnvironments.includes(env);
}

/** True when a name (table, container, collection, queue) denotes the event log itself. */
export const isEventsName = (n: string | undefined): boolean => !!n && /(^|[-_/])events$/i.test(n);
export const isSnapshotsName = (n: string | undefined): boolean => !!n && /(^|[-_/])snapshots$/i.test(n);
/** Dead-letter destinations are exempt from "has a dead-letter target" (they are the target). */
export const isDeadLetterName = (n: string | undefined): boolean => !!n && /(dlq|dead-?letter)/i.test(n);

/**
 * Policy config merged over defaults. The Pulumi CLI applies the config schema's defaults before
 * it configures the analyzer; direct callers (tests) may pass nothing, so the defaults live here too.
 */
export function configWithDefaults<T extends object>(args: { getConfig<U extends object>(): U } | undefined, defaults: T): T {
  const given = args ? args.getConfig<Partial<T>>() : {};
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
