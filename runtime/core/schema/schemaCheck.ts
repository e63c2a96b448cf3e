/**
 * What `nexus schemas check` decides, as pure functions: for each subject of `schemas/`, is
 * every version compatible with the earlier ones under the subject's mode, usable for JSON
 * events, and — against a baseline (a registry, or the files at another git commit) — are the
 * baseline's versions unchanged and the new versions compatible with the baseline's history?
 */
import type { CompatibilityMode } from '../../ports/SchemaRegistry';
import { canonicalSchema, jsonType } from './avro';
import { checkCompatibility, type PreviousVersion } from './compatibility';
import type { SchemaSet } from './schemaFiles';

export type VerdictStatus = 'ok' | 'new' | 'incompatible' | 'modified' | 'removed' | 'invalid';

export interface SubjectVerdict {
  readonly subject: string;
  readonly mode: CompatibilityMode;
  /** Versions in the files (0 when the subject only exists in the baseline). */
  readonly fileVersions: number;
  /** Versions in the baseline (undefined when there is no baseline). */
  readonly baselineVersions?: number;
  readonly status: VerdictStatus;
  /** One line per problem, naming the file, the field and the rule. */
  readonly messages: readonly string[];
}

export interface Baseline {
  /** e.g. "git HEAD~1" or "registry .nexus/registry.db". */
  readonly name: string;
  readonly subjects: ReadonlyMap<string, readonly PreviousVersion[]>;
}

export const isFailure = (v: SubjectVerdict): boolean => v.status !== 'ok' && v.status !== 'new';

/** Baseline from another schema set (e.g. files read at a git ref). */
export function baselineFromSet(name: string, set: SchemaSet): Baseline {
  return { name, subjects: new Map([...set.subjects].map(([s, f]) => [s, f.versions.map((v) => ({ version: v.version, schema: v.schema }))])) };
}

const canonicalOrNull = (schema: PreviousVersion['schema']): string | null => {
  try {
    return canonicalSchema(typeof schema === 'string' ? schema : JSON.stringify(schema));
  } catch {
    return null;
  }
};

/** Checks the files' own history and, when given, the baseline. One verdict per subject, sorted. */
export function checkSchemas(set: SchemaSet, baseline?: Baseline): SubjectVerdict[] {
  const subjects = new Set([...set.subjects.keys(), ...(baseline ? baseline.subjects.keys() : [])]);
  const verdicts: SubjectVerdict[] = [];
  for (const subject of [...subjects].sort()) {
    const files = set.subjects.get(subject);
    const mode = files?.compatibility ?? set.defaultCompatibility;
    const base = baseline?.subjects.get(subject);
    const messages: string[] = [];
    let status: VerdictStatus = 'ok';
    const fail = (s: VerdictStatus, message: string): void => {
      if (status === 'ok' || status === 'new') status = s;
      messages.push(message);
    };

    if (!files) {
      fail('removed', `${subject}: every version was removed from schemas/ but ${baseline!.name} has ${base!.length}; event types are never removed (stored events still need their schemas)`);
      verdicts.push({ subject, mode, fileVersions: 0, baselineVersions: base!.length, status, messages });
      continue;
    }
    if (baseline && !base) status = 'new';

    // Baseline versions are immutable: same number, same schema.
    for (const old of base ?? []) {
      const file = files.versions.find((v) => v.version === old.version);
      if (!file) fail('removed', `${subject} v${old.version}: in ${baseline!.name} but its file was removed; registered versions are never removed`);
      else if (canonicalOrNull(file.schema) !== canonicalOrNull(old.schema)) {
        fail('modified', `schemas/${file.path}: differs from v${old.version} in ${baseline!.name}; registered versions are immutable, add v${files.versions.length + 1} instead`);
      }
    }

    // Each version must be compatible with the versions before it (baseline history first).
    const known = base?.length ?? 0;
    for (const file of files.versions) {
      try {
        jsonType(file.schema);
      } catch (err) {
        fail('invalid', `schemas/${file.path}: ${(err as Error).message}`);
        continue;
      }
      if (file.version <= known && base) continue;
      const history: PreviousVersion[] = [
        ...(base ?? []),
        ...files.versions.filter((v) => v.version > known && v.version < file.version).map((v) => ({ version: v.version, schema: v.schema })),
      ].filter((v) => v.version < file.version);
      const result = checkCompatibility(file.schema, history, mode, { candidateLabel: `v${file.version}` });
      for (const m of result.messages) fail('incompatible', `schemas/${file.path}: ${m}`);
    }
    verdicts.push({ subject, mode, fileVersions: files.versions.length, ...(base ? { baselineVersions: base.length } : {}), status, messages });
  }
  return verdicts;
}

/** Human report: one line per subject, then the problems indented under it. */
export function formatVerdicts(verdicts: readonly SubjectVerdict[], baseline?: Baseline): string {
  const width = Math.max(8, ...verdicts.map((v) => v.subject.length));
  const lines = verdicts.map((v) => {
    const versions = v.baselineVersions === undefined ? `v1..v${v.fileVersions}` : `${baseline?.name ?? 'baseline'} v${v.baselineVersions} → files v${v.fileVersions}`;
    const head = `${isFailure(v) ? '✗' : '✓'} ${v.subject.padEnd(width)}  ${v.mode.padEnd(19)}  ${versions}  ${v.status.toUpperCase()}`;
    return [head, ...v.messages.map((m) => `    ${m}`)].join('\n');
  });
  const failed = verdicts.filter(isFailure).length;
  lines.push(failed === 0 ? `${verdicts.length} subject(s) checked: all compatible` : `${failed} of ${verdicts.length} subject(s) have incompatible or forbidden changes`);
  return lines.join('\n');
}
