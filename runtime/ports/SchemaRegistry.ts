/**
 * SchemaRegistry port: Avro schemas per subject (one subject per event type), versions and
 * global ids, Nexus' own compatibility check (identical on every cloud), and validation.
 */
import { NexusError, hasCode } from './errors';

export type CompatibilityMode =
  | 'BACKWARD' | 'BACKWARD_TRANSITIVE'
  | 'FORWARD' | 'FORWARD_TRANSITIVE'
  | 'FULL' | 'FULL_TRANSITIVE'
  | 'NONE';
export const COMPATIBILITY_MODES: readonly CompatibilityMode[] = [
  'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE',
];

export interface RegisteredSchema {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** Canonical Avro schema JSON text. */
  readonly schema: string;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** One message per problem, naming the field and the rule broken. */
  readonly messages: readonly string[];
}

export interface ValidationIssue {
  /** Field path, e.g. "items[0].quantity". */
  readonly path: string;
  readonly message: string;
}

export interface SchemaRegistry {
  /** Registers a new version if compatible under the subject's mode; the same schema again returns the existing version. */
  register(subject: string, schema: string): Promise<RegisteredSchema>;
  get(subject: string, version: number | 'latest'): Promise<RegisteredSchema>;
  getById(id: number): Promise<RegisteredSchema>;
  subjects(): Promise<string[]>;
  versions(subject: string): Promise<number[]>;
  checkCompatibility(subject: string, schema: string, against?: number | 'latest' | 'all'): Promise<CompatibilityResult>;
  getCompatibility(subject?: string): Promise<CompatibilityMode>;
  setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void>;
  /** Validates data against subject@version; returns issues (empty when valid). */
  validate(subject: string, version: number, data: unknown): Promise<ValidationIssue[]>;
  close(): Promise<void>;
}

export class SchemaNotFoundError extends NexusError {
  readonly code = 'SCHEMA_NOT_FOUND' as const;
  constructor(readonly subject: string, readonly version?: number | string) {
    super(version === undefined ? `schema subject ${subject} is not registered` : `schema ${subject} version ${version} is not registered`);
  }
}
export const isSchemaNotFoundError = (e: unknown): e is SchemaNotFoundError => hasCode(e, 'SCHEMA_NOT_FOUND');

export class IncompatibleSchemaError extends NexusError {
  readonly code = 'INCOMPATIBLE_SCHEMA' as const;
  constructor(readonly subject: string, readonly mode: CompatibilityMode, readonly messages: readonly string[]) {
    super(`schema for ${subject} is incompatible under ${mode}: ${messages.join('; ')}`);
  }
}
export const isIncompatibleSchemaError = (e: unknown): e is IncompatibleSchemaError => hasCode(e, 'INCOMPATIBLE_SCHEMA');

export class InvalidSchemaError extends NexusError {
  readonly code = 'INVALID_SCHEMA' as const;
}
export const isInvalidSchemaError = (e: unknown): e is InvalidSchemaError => hasCode(e, 'INVALID_SCHEMA');

/** An event does not match its schema; nothing was stored or published. */
export class SchemaValidationError extends NexusError {
  readonly code = 'SCHEMA_VALIDATION_FAILED' as const;
  constructor(readonly eventType: string, readonly schemaVersion: number | undefined, readonly issues: readonly ValidationIssue[]) {
    super(
      schemaVersion === undefined
        ? `event type ${eventType} is not registered in the schema registry`
        : `event ${eventType} v${schemaVersion} does not match its schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
}
export const isSchemaValidationError = (e: unknown): e is SchemaValidationError => hasCode(e, 'SCHEMA_VALIDATION_FAILED');
