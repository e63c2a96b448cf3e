/**
 * Can a reader schema read data written with a writer schema? The verdict is avsc's schema
 * resolver (`reader.createResolver(writer)`, Avro's resolution rules); this file only explains
 * a failure field by field, because avsc's messages ("no matching field for default-less E.b",
 * `cannot read "S" as "S"`) do not say which field of which nested record broke which rule.
 * The walk re-asks avsc at every level and descends to the deepest node that still fails.
 */
import { Type, types } from 'avsc';
import { describeType, shortName } from './avro';

export type ResolutionIssueKind =
  /** The reader has a field the writer lacks, and the reader declares no default for it. */
  | 'missing-field'
  /** Same field (by name or alias), types that Avro cannot promote (e.g. long read as int). */
  | 'type-mismatch'
  /** The writer may write an enum symbol the reader does not know, and the reader's enum has no default. */
  | 'enum-symbol'
  /** The writer's union has a branch none of the reader's types can read. */
  | 'union-branch'
  /** Named types (record, enum, fixed) whose names differ without an alias. */
  | 'name-mismatch'
  /** avsc rejected the pair for a reason the walk could not pin down (its message is kept). */
  | 'other';

export interface ResolutionIssue {
  readonly kind: ResolutionIssueKind;
  /** Field path from the top record ("shipping.address.zip", "items[].quantity"); "" for the root. */
  readonly path: string;
  /** The reader-side type, as a short name. */
  readonly readerType: string;
  /** The writer-side type, as a short name. */
  readonly writerType: string;
  /** Enum symbols or union branches concerned, when relevant. */
  readonly items?: readonly string[];
  /** avsc's own message for the failing node. */
  readonly detail: string;
}

/** avsc's verdict: undefined when `reader` can read `writer` data, else avsc's message. */
export function resolverError(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const isUnion = (t: Type): t is types.UnwrappedUnionType =>
  t instanceof types.UnwrappedUnionType || t instanceof types.WrappedUnionType;
const unwrapLogical = (t: Type): Type => (t instanceof types.LogicalType ? unwrapLogical(t.underlyingType) : t);
const join = (path: string, field: string): string => (path ? `${path}.${field}` : field);

/** Names a reader field answers to: its own name and its aliases (Avro's rule for renames). */
function fieldNames(field: types.Field): string[] {
  return [field.name, ...(field.aliases ?? [])];
}

function namesMatch(reader: Type, writer: Type): boolean {
  if (reader.name === undefined || writer.name === undefined) return true;
  const accepted = [reader.name, ...(reader.aliases ?? [])].map(shortName);
  return accepted.includes(shortName(writer.name));
}

/** Same Avro kind (and same name, for named types): the pair the resolver would try to match. */
function sameKind(a: Type, b: Type): boolean {
  const x = unwrapLogical(a);
  const y = unwrapLogical(b);
  return x.typeName === y.typeName && (x.name === undefined || namesMatch(x, y));
}

/**
 * Every reason why `reader` cannot read `writer` data; empty when it can (avsc says so).
 * Issues are reported at the deepest field where avsc still fails.
 */
export function explainResolution(reader: Type, writer: Type, path = ''): ResolutionIssue[] {
  const error = resolverError(reader, writer);
  if (error === undefined) return [];
  const r = unwrapLogical(reader);
  const w = unwrapLogical(writer);
  const base = { path, readerType: describeType(r), writerType: describeType(w), detail: error };

  if (isUnion(w)) {
    // Every writer branch must be readable. A branch with a same-kind counterpart in the reader
    // (e.g. the record inside ["null", Address]) is explained field by field; others are named.
    const issues: ResolutionIssue[] = [];
    const orphans: string[] = [];
    for (const branch of w.types) {
      if (resolverError(r, branch) === undefined) continue;
      const target = (isUnion(r) ? r.types : [r]).find((b) => sameKind(b, branch));
      if (target) issues.push(...explainResolution(target, branch, path));
      else orphans.push(describeType(branch));
    }
    if (orphans.length > 0) issues.push({ ...base, kind: 'union-branch', items: orphans });
    return issues.length > 0 ? issues : [{ ...base, kind: 'other' }];
  }
  if (isUnion(r)) {
    // A non-union writer is read by the first reader branch that can read it; explain against
    // the branch of the same kind when there is one (e.g. the record inside ["null", Record]).
    const target = r.types.find((b) => sameKind(b, w));
    return target ? explainResolution(target, w, path) : [{ ...base, kind: 'type-mismatch' }];
  }
  if (r instanceof types.RecordType && w instanceof types.RecordType) {
    if (!namesMatch(r, w)) return [{ ...base, kind: 'name-mismatch' }];
    const issues: ResolutionIssue[] = [];
    for (const rf of r.fields) {
      const wf = w.fields.find((f) => fieldNames(rf).includes(f.name));
      const fieldPath = join(path, rf.name);
      if (!wf) {
        if (rf.defaultValue() === undefined) {
          issues.push({ kind: 'missing-field', path: fieldPath, readerType: describeType(rf.type), writerType: '(absent)', detail: error });
        }
        continue;
      }
      issues.push(...explainResolution(rf.type, wf.type, fieldPath));
    }
    return issues.length > 0 ? issues : [{ ...base, kind: 'other' }];
  }
  if (r instanceof types.EnumType && w instanceof types.EnumType) {
    if (!namesMatch(r, w)) return [{ ...base, kind: 'name-mismatch' }];
    const unknown = w.symbols.filter((s) => !r.symbols.includes(s));
    return [{ ...base, kind: unknown.length > 0 ? 'enum-symbol' : 'other', items: unknown }];
  }
  if (r instanceof types.FixedType && w instanceof types.FixedType && !namesMatch(r, w)) {
    return [{ ...base, kind: 'name-mismatch' }];
  }
  if (r instanceof types.ArrayType && w instanceof types.ArrayType) {
    return explainResolution(r.itemsType, w.itemsType, `${path}[]`);
  }
  if (r instanceof types.MapType && w instanceof types.MapType) {
    return explainResolution(r.valuesType as Type, w.valuesType as Type, `${path}{}`);
  }
  return [{ ...base, kind: 'type-mismatch' }];
}
