/**
 * Reads the `schemas/` tree (ADR 0023): one Avro file per event type and version at
 * `schemas/<context>/<EventType>.v<N>.avsc` (subject = event type name = the record's short
 * name), plus `schemas/registry.json` with the global default compatibility and per-subject
 * modes. The parsing is separate from the file system so that `nexus schemas check --against`
 * can feed it files read with `git show` from another commit.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CompatibilityMode } from '../../ports/SchemaRegistry';
import { InvalidSchemaError } from '../../ports/SchemaRegistry';
import { parseAvro, schemaJson, shortName } from './avro';
import { parseCompatibilityMode } from './compatibility';

export interface SchemaFile {
  /** Path relative to the schemas directory, with "/" separators. */
  readonly path: string;
  readonly text: string;
}

export interface SchemaFileVersion {
  readonly version: number;
  readonly path: string;
  /** The file's text (as written; registries canonicalise it). */
  readonly schema: string;
}

export interface SubjectFiles {
  readonly subject: string;
  /** Ascending, contiguous from 1. */
  readonly versions: readonly SchemaFileVersion[];
  /** The subject's mode from registry.json, if set there. */
  readonly compatibility?: CompatibilityMode;
}

export interface SchemaSet {
  readonly defaultCompatibility: CompatibilityMode;
  readonly subjects: ReadonlyMap<string, SubjectFiles>;
}

export const REGISTRY_CONFIG_FILE = 'registry.json';
const FILE_NAME = /(?:^|\/)([A-Za-z][A-Za-z0-9_.]*)\.v([1-9][0-9]*)\.avsc$/;

interface RegistryConfigJson {
  defaultCompatibility?: unknown;
  subjects?: Record<string, { compatibility?: unknown }>;
}

/** Builds the schema set from file contents; throws InvalidSchemaError naming the file and rule. */
export function parseSchemaSet(files: readonly SchemaFile[], registryConfig?: string): SchemaSet {
  const bySubject = new Map<string, SchemaFileVersion[]>();
  for (const file of files) {
    const m = FILE_NAME.exec(file.path);
    if (!m) throw new InvalidSchemaError(`schemas/${file.path}: file name must be <EventType>.v<N>.avsc`);
    const subject = m[1]!;
    const version = Number(m[2]);
    let recordName: string | undefined;
    try {
      recordName = shortName(parseAvro(file.text).name);
    } catch (err) {
      throw new InvalidSchemaError(`schemas/${file.path}: ${(err as Error).message}`);
    }
    if (recordName !== subject) {
      throw new InvalidSchemaError(`schemas/${file.path}: the record is named ${recordName ?? '(anonymous)'}, expected ${subject} (subject = event type = record name)`);
    }
    const list = bySubject.get(subject) ?? [];
    if (list.some((v) => v.version === version)) {
      throw new InvalidSchemaError(`schemas/${file.path}: ${subject} v${version} is defined twice`);
    }
    list.push({ version, path: file.path, schema: file.text });
    bySubject.set(subject, list);
  }
  const config = parseRegistryConfig(registryConfig);
  const subjects = new Map<string, SubjectFiles>();
  for (const [subject, list] of [...bySubject].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.version - b.version);
    list.forEach((v, i) => {
      if (v.version !== i + 1) throw new InvalidSchemaError(`schemas: ${subject} has v${v.version} but no v${i + 1} (versions must be 1..N without gaps)`);
    });
    const mode = config.subjects.get(subject);
    subjects.set(subject, { subject, versions: list, ...(mode ? { compatibility: mode } : {}) });
  }
  for (const subject of config.subjects.keys()) {
    if (!subjects.has(subject)) throw new InvalidSchemaError(`schemas/${REGISTRY_CONFIG_FILE}: subject ${subject} has a mode but no schema file`);
  }
  return { defaultCompatibility: config.defaultCompatibility, subjects };
}

function parseRegistryConfig(text: string | undefined): { defaultCompatibility: CompatibilityMode; subjects: Map<string, CompatibilityMode> } {
  const subjects = new Map<string, CompatibilityMode>();
  if (text === undefined) return { defaultCompatibility: 'BACKWARD', subjects };
  const json = schemaJson(text) as RegistryConfigJson;
  const where = `schemas/${REGISTRY_CONFIG_FILE}`;
  const defaultCompatibility = json.defaultCompatibility === undefined
    ? 'BACKWARD'
    : parseCompatibilityMode(json.defaultCompatibility, `${where} defaultCompatibility`);
  for (const [subject, entry] of Object.entries(json.subjects ?? {})) {
    subjects.set(subject, parseCompatibilityMode(entry.compatibility, `${where} subjects.${subject}.compatibility`));
  }
  return { defaultCompatibility, subjects };
}

function walk(dir: string, root: string, out: SchemaFile[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, root, out);
    else if (name.endsWith('.avsc')) out.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
  }
}

/** Reads and checks a schemas directory from disk. */
export function loadSchemaDir(dir: string): SchemaSet {
  const files: SchemaFile[] = [];
  walk(dir, dir, files);
  let config: string | undefined;
  try {
    config = readFileSync(join(dir, REGISTRY_CONFIG_FILE), 'utf8');
  } catch {
    config = undefined;
  }
  return parseSchemaSet(files, config);
}

/** Latest version number per subject: what the write path stamps on new events. */
export function latestVersions(set: SchemaSet): Map<string, number> {
  return new Map([...set.subjects].map(([s, f]) => [s, f.versions.length]));
}
