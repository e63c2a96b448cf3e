/**
 * Pure translation of the governance schema set (runtime/core/schema/schemaFiles.ts: one
 * `schemas/<context>/<EventType>.v<N>.avsc` per version, modes in `schemas/registry.json`) into
 * the SchemaDefinitions the SchemaRegistry component registers. index.ts reads the files;
 * components never touch the file system.
 */
import type { SchemaSet } from '../runtime/core/schema/schemaFiles';
import type { SchemaDefinition } from './args';

/** Every version of every subject, sorted by subject then version, with the subject's mode. */
export function schemaDefinitions(set: SchemaSet): SchemaDefinition[] {
  const out: SchemaDefinition[] = [];
  for (const [subject, files] of [...set.subjects].sort(([a], [b]) => a.localeCompare(b))) {
    const compatibility = files.compatibility ?? set.defaultCompatibility;
    for (const v of files.versions) {
      // Compact JSON: registries canonicalise anyway, and Lambda/Glue size limits count bytes.
      out.push({ subject, version: v.version, definition: JSON.stringify(JSON.parse(v.schema)), compatibility, file: `schemas/${v.path}` });
    }
  }
  return out;
}
