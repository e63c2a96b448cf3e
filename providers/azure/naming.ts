/**
 * Azure naming: globally unique names (Cosmos DB, Event Hubs, AI Search, Web PubSub, Key Vault,
 * Storage, Function App) derived deterministically from the Pulumi project/stack and the
 * component name, within each service's length/charset rules, so the manifest can name the
 * endpoints at plan time. Pure functions.
 */
import { createHash } from 'node:crypto';
import { cloudName } from '../../components/naming';

function hash(seed: string, len: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, len);
}

/**
 * `<name>-<hash>` (or `<name><hash>` when dashes are not allowed), at most `max` characters;
 * `seed` should hold the project and stack so two stacks never race for one global name.
 */
export function globalName(name: string, seed: string, max: number, alnumOnly = false): string {
  const suffix = hash(`${seed}/${name}`, 6);
  const base = alnumOnly ? name.toLowerCase().replace(/[^a-z0-9]/g, '') : cloudName(name, max);
  const room = max - suffix.length - (alnumOnly ? 0 : 1);
  const head = base.slice(0, room).replace(/-+$/, '');
  const id = alnumOnly ? `${head}${suffix}` : `${head}-${suffix}`;
  return /^[a-z]/.test(id) ? id : `n${id}`.slice(0, max);
}

/** A stable GUID from a seed (workbooks and SQL role assignments need GUID names). */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `<platform>-store` → `<platform>`: shared platform resources are named after the platform. */
export function platformPrefix(componentName: string): string {
  const i = componentName.lastIndexOf('-');
  return i > 0 ? componentName.slice(0, i) : componentName;
}
