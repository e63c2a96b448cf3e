/**
 * Avro schema parsing shared by compatibility, validation and the registries: parse text into an
 * avsc Type (InvalidSchemaError naming the problem), a stable canonical text used to decide
 * whether two registrations are "the same schema", and short human names for types in messages.
 * Pure and SDK-free: every cloud adapter calls these.
 */
import { Type, types } from 'avsc';
import { InvalidSchemaError } from '../../ports/SchemaRegistry';

/** A schema as JSON text, an already-parsed JSON value, or an avsc Type. */
export type SchemaInput = string | object | Type;

/** Parses JSON text (if needed) into a plain Avro schema value. */
export function schemaJson(input: string | object): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch (err) {
    // Avro allows a bare primitive name as a schema ("string"); JSON.parse rejects it unquoted.
    if (/^[a-z]+$/.test(input.trim())) return input.trim();
    throw new InvalidSchemaError(`schema is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Parses an Avro schema with avsc. `wrapUnions: 'auto'` accepts every valid Avro schema (the
 * registry must take what any Avro client sends); validation of JSON events uses `jsonType`.
 */
export function parseAvro(input: SchemaInput): Type {
  if (input instanceof Type) return input;
  const json = schemaJson(input);
  try {
    return Type.forSchema(json as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
  } catch (err) {
    throw new InvalidSchemaError(`invalid Avro schema: ${(err as Error).message}`);
  }
}

/**
 * The type used to validate plain JSON event data (ADR 0022): unions unwrapped, so
 * `{"note": "x"}` is accepted for `["null","string"]` instead of Avro's `{"note": {"string": "x"}}`.
 * Throws InvalidSchemaError when a union cannot be told apart in plain JSON (e.g. int|long).
 */
export function jsonType(input: string | object): Type {
  const json = schemaJson(input);
  try {
    return Type.forSchema(json as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'never' });
  } catch (err) {
    throw new InvalidSchemaError(`schema cannot validate plain JSON events: ${(err as Error).message}`);
  }
}

/** Recursively sorts object keys so that key order and whitespace never create a new version. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * Canonical text of a schema: validated by avsc, then the original JSON with keys sorted and
 * whitespace removed. Unlike Avro's Parsing Canonical Form it keeps defaults, aliases and docs,
 * because a change of default or alias IS a new version for compatibility purposes.
 */
export function canonicalSchema(input: string | object): string {
  parseAvro(input);
  return JSON.stringify(sortKeys(schemaJson(input)));
}

/** A short human name for a type: `int`, `OrderStatus`, `array<int>`, `null | string`. */
export function describeType(type: Type): string {
  if (type instanceof types.UnwrappedUnionType || type instanceof types.WrappedUnionType) {
    return type.types.map(describeType).join(' | ');
  }
  if (type instanceof types.ArrayType) return `array<${describeType(type.itemsType)}>`;
  if (type instanceof types.MapType) return `map<${describeType(type.valuesType)}>`;
  if (type instanceof types.LogicalType) return describeType(type.underlyingType);
  return shortName(type.name) ?? type.typeName;
}

/** Strips the namespace: messages name `OrderStatus`, not `nexus.orders.OrderStatus`. */
export function shortName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(i + 1);
}
