/**
 * Nexus' own schema compatibility check (ADR 0021): the seven Confluent-style modes, computed
 * the same way on every cloud (GCP Pub/Sub schemas have no modes at all, Glue and Azure differ),
 * from Avro's schema-resolution rules as avsc implements them. Cloud registry adapters store
 * schemas natively and call `checkCompatibility` before registering a version.
 *
 *   BACKWARD            the new schema reads data written with the latest version
 *   FORWARD             the latest version reads data written with the new schema
 *   FULL                both
 *   *_TRANSITIVE        the same against every earlier version, not only the latest
 *   NONE                no check
 */
import type { CompatibilityMode, CompatibilityResult } from '../../ports/SchemaRegistry';
import { COMPATIBILITY_MODES } from '../../ports/SchemaRegistry';
import { InvalidArgumentError } from '../../ports/errors';
import { types, type Type } from 'avsc';
import { parseAvro, type SchemaInput } from './avro';
import { explainResolution, type ResolutionIssue } from './resolution';

/** An already registered version of a subject. */
export interface PreviousVersion {
  readonly version: number;
  readonly schema: SchemaInput;
}

export interface CheckOptions {
  /** How the candidate is named in messages; default `v<latest+1>`. */
  readonly candidateLabel?: string;
}

/** A problem found between the candidate and one earlier version, in both raw and worded form. */
export interface CompatibilityProblem extends ResolutionIssue {
  /** Version whose data cannot be read (writer) / which cannot read (reader). */
  readonly against: number;
  /** 'backward': the candidate cannot read old data; 'forward': old readers cannot read new data. */
  readonly direction: 'backward' | 'forward';
  readonly message: string;
}

export interface DetailedCompatibilityResult extends CompatibilityResult {
  readonly problems: readonly CompatibilityProblem[];
}

export function isCompatibilityMode(value: unknown): value is CompatibilityMode {
  return typeof value === 'string' && (COMPATIBILITY_MODES as readonly string[]).includes(value);
}

/** Parses a mode name, throwing InvalidArgumentError naming the accepted values. */
export function parseCompatibilityMode(value: unknown, field = 'compatibility'): CompatibilityMode {
  if (!isCompatibilityMode(value)) {
    throw new InvalidArgumentError(field, `"${String(value)}" is not a compatibility mode; expected one of ${COMPATIBILITY_MODES.join(', ')}`);
  }
  return value;
}

/** Which checks a mode requires: read directions and whether every earlier version counts. */
export function modeRules(mode: CompatibilityMode): { backward: boolean; forward: boolean; transitive: boolean } {
  return {
    backward: mode.startsWith('BACKWARD') || mode.startsWith('FULL'),
    forward: mode.startsWith('FORWARD') || mode.startsWith('FULL'),
    transitive: mode.endsWith('_TRANSITIVE'),
  };
}

const code = (s: string): string => `\`${s}\``;

/** The field of `type` at `path`'s parent that lists `path`'s last name as an alias (a rename). */
function aliasedBy(type: Type, path: string): string | undefined {
  const names = path.split('.');
  const last = names.pop();
  let t: Type | undefined = type;
  for (const n of names) {
    t = t instanceof types.RecordType ? t.fields.find((f) => f.name === n)?.type : undefined;
    while (t instanceof types.UnwrappedUnionType || t instanceof types.WrappedUnionType) t = t.types.find((b) => b instanceof types.RecordType);
  }
  if (!(t instanceof types.RecordType) || last === undefined) return undefined;
  return t.fields.find((f) => (f.aliases ?? []).includes(last))?.name;
}

/** Words one resolution issue as "what changed" + "who cannot read what" + "(MODE)". */
function word(issue: ResolutionIssue & { renamedTo?: string }, direction: 'backward' | 'forward', candidate: string, old: string, mode: CompatibilityMode): string {
  const [reader, writer] = direction === 'backward' ? [candidate, old] : [old, candidate];
  const consequence = `a reader of ${reader} cannot read ${writer} data (${mode})`;
  const where = issue.path ? `field ${code(issue.path)}` : 'the top-level type';
  const items = (issue.items ?? []).map(code).join(', ');
  switch (issue.kind) {
    case 'missing-field':
      if (direction === 'backward') return `${where} was added without a default: ${consequence}`;
      return issue.renamedTo
        ? `${where} was renamed to ${code(issue.renamedTo)} (an alias only helps new readers) and ${old} declares it without a default: ${consequence}`
        : `${where} was removed but ${old} declares it without a default: ${consequence}`;
    case 'type-mismatch':
      return direction === 'backward'
        ? `${where} changed type from ${issue.writerType} to ${issue.readerType}, which Avro cannot promote: ${consequence}`
        : `${where} changed type from ${issue.readerType} to ${issue.writerType}, which Avro cannot promote back: ${consequence}`;
    case 'enum-symbol':
      return direction === 'backward'
        ? `${where}: enum ${issue.readerType} lost symbol(s) ${items} and has no default: ${consequence}`
        : `${where}: enum ${issue.writerType} gained symbol(s) ${items} that ${old} does not know and ${old} has no enum default: ${consequence}`;
    case 'union-branch':
      return direction === 'backward'
        ? `${where}: union branch(es) ${items} were removed (now ${issue.readerType}): ${consequence}`
        : `${where}: union branch(es) ${items} were added (${old} has ${issue.readerType}): ${consequence}`;
    case 'name-mismatch':
      return direction === 'backward'
        ? `${where}: named type ${issue.writerType} was renamed to ${issue.readerType} without an alias: ${consequence}`
        : `${where}: named type ${issue.readerType} was renamed to ${issue.writerType}, which ${old} has no alias for: ${consequence}`;
    case 'other':
      return `${where}: ${issue.detail}: ${consequence}`;
  }
}

/**
 * Checks `candidate` against the earlier versions of a subject under `mode`.
 * `previous` may be in any order; the latest is the highest version number.
 * Throws InvalidSchemaError when the candidate is not valid Avro.
 */
export function checkCompatibility(
  candidate: SchemaInput,
  previous: readonly PreviousVersion[],
  mode: CompatibilityMode,
  options: CheckOptions = {},
): DetailedCompatibilityResult {
  const reader = parseAvro(candidate);
  const sorted = [...previous].sort((a, b) => a.version - b.version);
  const latest = sorted[sorted.length - 1];
  if (mode === 'NONE' || latest === undefined) return { compatible: true, messages: [], problems: [] };
  const rules = modeRules(mode);
  const label = options.candidateLabel ?? `v${latest.version + 1}`;
  const against = rules.transitive ? sorted : [latest];
  const problems: CompatibilityProblem[] = [];
  for (const prev of against) {
    const old = parseAvro(prev.schema);
    const oldLabel = `v${prev.version}`;
    if (rules.backward) {
      for (const issue of explainResolution(reader, old)) {
        problems.push({ ...issue, against: prev.version, direction: 'backward', message: word(issue, 'backward', label, oldLabel, mode) });
      }
    }
    if (rules.forward) {
      for (const found of explainResolution(old, reader)) {
        const renamedTo = found.kind === 'missing-field' ? aliasedBy(reader, found.path) : undefined;
        const issue = renamedTo ? { ...found, renamedTo } : found;
        problems.push({ ...issue, against: prev.version, direction: 'forward', message: word(issue, 'forward', label, oldLabel, mode) });
      }
    }
  }
  return { compatible: problems.length === 0, messages: problems.map((p) => p.message), problems };
}
