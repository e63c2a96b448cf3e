/**
 * Validates plain JSON event data against an Avro schema (mapping in ADR 0022) and reports
 * every problem with a field path: "items[0].quantity: expected int, got string". Uses avsc's
 * `isValid` with an `errorHook` (avsc decides; this file only words the result). Pure and
 * SDK-free: every registry adapter validates through `compileValidator`.
 */
import { Type, types } from 'avsc';
import type { ValidationIssue } from '../../ports/SchemaRegistry';
import { describeType, jsonType } from './avro';

/** A compiled validator for one schema version: returns issues, empty when the data is valid. */
export type Validator = (data: unknown) => ValidationIssue[];

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** JSON's own name for a value's type, as a reader of the error expects it. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** avsc path segments → "items[0].quantity". */
export function formatPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

const unwrapLogical = (t: Type): Type => (t instanceof types.LogicalType ? unwrapLogical(t.underlyingType) : t);

/**
 * Keys the schema does not declare, at any depth (Avro would drop them silently). avsc's
 * `noUndeclaredFields` stops at the first record holding one, so this walks the data itself.
 */
function undeclaredFields(type: Type, value: unknown, segments: string[], out: ValidationIssue[]): void {
  const t = unwrapLogical(type);
  if (t instanceof types.UnwrappedUnionType || t instanceof types.WrappedUnionType) {
    const branch = t.types.find((b) => b.isValid(value)) ?? t.types.find((b) => unwrapLogical(b) instanceof types.RecordType && jsonKind(value) === 'object');
    if (branch) undeclaredFields(branch, value, segments, out);
  } else if (t instanceof types.RecordType && jsonKind(value) === 'object') {
    const record = value as Record<string, unknown>;
    const declared = new Set(t.fields.map((f) => f.name));
    for (const key of Object.keys(record)) {
      if (!declared.has(key)) {
        out.push({ path: formatPath([...segments, key]), message: `field is not declared in ${describeType(t)} (declared: ${[...declared].join(', ')})` });
      }
    }
    for (const f of t.fields) if (record[f.name] !== undefined) undeclaredFields(f.type, record[f.name], [...segments, f.name], out);
  } else if (t instanceof types.ArrayType && Array.isArray(value)) {
    value.forEach((item, i) => undeclaredFields(t.itemsType, item, [...segments, String(i)], out));
  } else if (t instanceof types.MapType && jsonKind(value) === 'object') {
    for (const [k, v] of Object.entries(value as object)) undeclaredFields(t.valuesType as Type, v, [...segments, k], out);
  }
}

/** Words one avsc failure: what was expected at the path and what JSON value was found. */
function describeFailure(segments: readonly string[], value: unknown, failed: Type): ValidationIssue[] {
  const path = formatPath(segments);
  const type = unwrapLogical(failed);
  const expected = describeType(type);
  if (value === undefined) return [{ path, message: `required field is missing (expected ${expected})` }];
  if (type instanceof types.EnumType) {
    return [{ path, message: `expected one of ${type.symbols.join(', ')} (enum ${expected}), got ${preview(value)}` }];
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (type.typeName === 'int' && (value < INT_MIN || value > INT_MAX)) {
      return [{ path, message: `expected int (32-bit), got ${value}, which is out of range` }];
    }
    if (type.typeName === 'long' && !Number.isSafeInteger(value)) {
      return [{ path, message: `expected long within ±(2^53-1) in JSON, got ${value}` }];
    }
  }
  return [{ path, message: `expected ${expected}, got ${jsonKind(value)}` }];
}

/**
 * Compiles a validator once per schema version (the command path validates every event).
 * Undeclared fields are errors: Avro would silently drop them, and an event store must not
 * hold data its schema does not describe. Throws InvalidSchemaError for unusable schemas.
 */
export function compileValidator(schema: string | object): Validator {
  const type = jsonType(schema);
  return (data) => {
    const issues: ValidationIssue[] = [];
    type.isValid(data, { errorHook: (path, value, failed) => issues.push(...describeFailure(path, value, failed)) });
    undeclaredFields(type, data, [], issues);
    return issues;
  };
}

/** One-shot validation (compiles the schema each time; prefer compileValidator in hot paths). */
export function validateData(schema: string | object, data: unknown): ValidationIssue[] {
  return compileValidator(schema)(data);
}

/** "items[0].quantity: expected int, got string; ..." */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
