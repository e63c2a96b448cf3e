/**
 * Pure translation of `schemas/` files into SchemaDefinitions (index.ts does the file reading;
 * components never touch the file system). Subject = the Avro full name; version = the `v<N>`
 * in the file name or directory (`OrderPlaced.v2.avsc`, `v2/OrderPlaced.avsc`); compatibility =
 * the subject's entry in the compatibility map, else the schema's "compatibility" property, else
 * the default.
 */
import type { Compatibility, SchemaDefinition } from './args';

export const COMPATIBILITIES: readonly Compatibility[] = [
  'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE',
];

function asCompatibility(value: unknown, where: string): Compatibility {
  if (typeof value === 'string' && (COMPATIBILITIES as readonly string[]).includes(value.toUpperCase())) {
    return value.toUpperCase() as Compatibility;
  }
  throw new Error(`${where}: compatibility ${JSON.stringify(value)} is not one of ${COMPATIBILITIES.join(', ')}`);
}

export function versionFromPath(relPath: string): number | undefined {
  const m = /(?:^|[/._-])v(\d+)(?:[/._-]|$)/i.exec(relPath.replace(/\.avsc$/, '.'));
  return m ? Number(m[1]) : undefined;
}

export interface SchemaFileOptions {
  /** Subject → compatibility overrides (e.g. from a schemas/ config file). */
  readonly compatibility?: Readonly<Record<string, unknown>>;
  /** Compatibility of subjects with none of their own; default BACKWARD. */
  readonly defaultCompatibility?: Compatibility;
}

/** One `.avsc` file → SchemaDefinition; throws naming the file when the name, version or mode is missing. */
export function schemaFromFile(relPath: string, text: string, options: SchemaFileOptions = {}): SchemaDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${relPath}: not valid JSON (${(e as Error).message})`);
  }
  const schema = parsed as { name?: unknown; namespace?: unknown; compatibility?: unknown; version?: unknown };
  if (typeof schema.name !== 'string') throw new Error(`${relPath}: Avro schema has no "name"`);
  const subject = schema.name.includes('.') || typeof schema.namespace !== 'string' ? schema.name : `${schema.namespace}.${schema.name}`;
  const version = versionFromPath(relPath) ?? (typeof schema.version === 'number' ? schema.version : undefined) ?? 1;
  const override = options.compatibility?.[subject] ?? options.compatibility?.[schema.name];
  const compatibility = override !== undefined
    ? asCompatibility(override, relPath)
    : schema.compatibility !== undefined
      ? asCompatibility(schema.compatibility, relPath)
      : options.defaultCompatibility ?? 'BACKWARD';
  return { subject, version, definition: JSON.stringify(parsed), compatibility, file: relPath };
}
