/**
 * Events are immutable: an event store (any object implementing the EventStore port) may offer
 * append and reads, never an update or a delete of a stored event. `mutatingMethods` lists the
 * methods of an object (own and inherited) whose names read as update/delete operations;
 * `assertAppendOnly` throws ArchitectureViolationError naming them.
 */
import { ARCHITECTURE_RULES, ArchitectureViolationError } from './errors';

/** Method names that would change or remove stored events. */
export const MUTATION_NAME = /^(update|delete|remove|overwrite|replace|modify|patch|edit|rewrite|truncate|purge|erase|drop|destroy|put|upsert|set(?!tings)|clear)/i;

/** Method names of `target` (own and prototype chain, up to Object.prototype). */
export function methodNames(target: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

export function mutatingMethods(target: object): string[] {
  return methodNames(target).filter((n) => MUTATION_NAME.test(n));
}

/** Throws when `store` (an instance or a class prototype) offers a method that could change stored events. */
export function assertAppendOnly(store: object, label = store.constructor?.name ?? 'event store'): void {
  const found = mutatingMethods(store);
  if (found.length > 0) {
    throw new ArchitectureViolationError(ARCHITECTURE_RULES.eventsImmutable, `${label} offers ${found.join(', ')}; expected append and read methods only`);
  }
}
