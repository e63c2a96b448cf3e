/**
 * Small pure helpers shared by components and providers: child names derived from the
 * component name, and reading provider refs with an error that names what is missing.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { ProviderRefs } from './outputs';

/** `${name}-${suffix}`: every child name derives from its component's name (no URN collisions). */
export function childName(name: string, suffix: string): string {
  return `${name}-${suffix}`;
}

/**
 * A cloud resource name limited to `max` characters of [a-z0-9-]: lower-cased, other characters
 * turned into "-", and a stable hash suffix when truncated so two long names stay distinct.
 */
export function cloudName(name: string, max: number): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (clean.length <= max) return clean;
  let h = 0;
  for (const c of clean) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  const suffix = h.toString(36).slice(0, 6);
  return `${clean.slice(0, max - suffix.length - 1).replace(/-$/, '')}-${suffix}`;
}

/** Read a ref a sibling method of the same provider produced; throws naming the key and who needs it. */
export function requireRef(refs: ProviderRefs, key: string, neededBy: string): pulumi.Output<string> {
  const ref = refs[key];
  if (!ref) {
    throw new Error(`${neededBy}: provider ref "${key}" is missing; available: ${Object.keys(refs).join(', ') || 'none'}`);
  }
  return ref;
}
