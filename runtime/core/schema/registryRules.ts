/**
 * The registry behaviour every SchemaRegistry adapter shares, so that local, Glue, Pub/Sub and
 * Azure registries answer identically: what "the same schema" means, which versions a
 * compatibility check looks at, and the IncompatibleSchemaError it raises.
 */
import { createHash } from 'node:crypto';
import type { CompatibilityMode, CompatibilityResult, RegisteredSchema, ValidationIssue } from '../../ports/SchemaRegistry';
import { IncompatibleSchemaError, InvalidSchemaError, SchemaNotFoundError } from '../../ports/SchemaRegistry';
import { InvalidArgumentError } from '../../ports/errors';
import { canonicalSchema } from './avro';
import { checkCompatibility, modeRules, type PreviousVersion } from './compatibility';
import { compileValidator, type Validator } from './validation';

/**
 * The port's integer id of a canonical schema for registries that have no numeric ids of their
 * own (Glue, Pub/Sub, Azure): 31 bits of its SHA-256, never 0 — one id per distinct schema, as
 * Confluent does. Derived on every read, never stored, so all three clouds agree on it.
 */
export function schemaIdOf(canonical: string): number {
  return (createHash('sha256').update(canonical).digest().readUInt32BE(0) & 0x7fffffff) || 1;
}

/**
 * Compiled validators per subject@version. Registered versions are immutable, so a validator
 * never goes stale; `load` fetches the version's schema the first time it is asked for.
 */
export class ValidatorCache {
  private readonly validators = new Map<string, Validator>();

  async validate(subject: string, version: number, data: unknown, load: (subject: string, version: number) => Promise<RegisteredSchema>): Promise<ValidationIssue[]> {
    const key = `${subject}@${version}`;
    let validator = this.validators.get(key);
    if (!validator) {
      validator = compileValidator((await load(subject, version)).schema);
      this.validators.set(key, validator);
    }
    return validator(data);
  }

  clear(): void {
    this.validators.clear();
  }
}

/** Subject names: printable, no "/" (they appear in REST paths), at most 255 characters. */
export function assertSubjectName(subject: string): void {
  if (typeof subject !== 'string' || !/^[A-Za-z0-9_.:@=+-]{1,255}$/.test(subject)) {
    throw new InvalidArgumentError('subject', `"${String(subject)}" must be 1-255 characters of letters, digits, _ . : @ = + -`);
  }
}

/** Canonical text or InvalidSchemaError; the canonical text is what adapters store and compare. */
export function canonicalOrThrow(schema: string): string {
  if (typeof schema !== 'string' || schema.trim() === '') throw new InvalidSchemaError('schema must be a non-empty JSON string');
  return canonicalSchema(schema);
}

/** The existing version whose canonical text equals `canonical` (idempotent re-register). */
export function findSameSchema<T extends { schema: string }>(existing: readonly T[], canonical: string): T | undefined {
  return existing.find((v) => canonicalSchema(v.schema) === canonical);
}

/**
 * Which earlier versions a check compares with, and under which mode.
 * - undefined: what the subject's mode says (latest, or all for *_TRANSITIVE)
 * - 'latest' / a number: that one version, with the mode's directions
 * - 'all': every version, with the mode's directions
 */
export function selectVersions(
  history: readonly PreviousVersion[],
  mode: CompatibilityMode,
  against: number | 'latest' | 'all' | undefined,
  subject: string,
): { versions: PreviousVersion[]; mode: CompatibilityMode } {
  const sorted = [...history].sort((a, b) => a.version - b.version);
  const rules = modeRules(mode);
  const base = (mode.replace('_TRANSITIVE', '') as CompatibilityMode);
  if (against === undefined) return { versions: sorted, mode };
  if (against === 'all') return { versions: sorted, mode: mode === 'NONE' ? 'NONE' : (`${base}_TRANSITIVE` as CompatibilityMode) };
  const latest = sorted[sorted.length - 1];
  const pick = against === 'latest' ? latest : sorted.find((v) => v.version === against);
  if (!pick) throw new SchemaNotFoundError(subject, against === 'latest' ? undefined : against);
  return { versions: [pick], mode: rules.transitive ? base : mode };
}

/** Runs the check and words the verdict; adapters call this before storing a version. */
export function compatibilityFor(
  subject: string,
  schema: string,
  history: readonly PreviousVersion[],
  mode: CompatibilityMode,
  against?: number | 'latest' | 'all',
): CompatibilityResult {
  const selected = selectVersions(history, mode, against, subject);
  const latest = Math.max(0, ...history.map((v) => v.version));
  const { compatible, messages } = checkCompatibility(schema, selected.versions, selected.mode, { candidateLabel: `v${latest + 1}` });
  return { compatible, messages };
}

/** Throws IncompatibleSchemaError (naming every field and rule) unless `schema` may be registered. */
export function assertCanRegister(subject: string, schema: string, history: readonly PreviousVersion[], mode: CompatibilityMode): void {
  const result = compatibilityFor(subject, schema, history, mode);
  if (!result.compatible) throw new IncompatibleSchemaError(subject, mode, result.messages);
}
