/**
 * Schema-specific refinements of the SchemaRegistry port's errors. They keep the port's `code`
 * (so `isSchemaNotFoundError` still matches) and add what the Confluent API needs to tell
 * "subject", "version" and "schema id" not found apart (40401 / 40402 / 40403).
 */
import { SchemaNotFoundError } from '../../ports/SchemaRegistry';

/** No schema has this global id. */
export class SchemaIdNotFoundError extends SchemaNotFoundError {
  constructor(readonly id: number) {
    super(`id ${id}`);
    this.message = `no schema is registered with id ${id}`;
  }
}
export const isSchemaIdNotFoundError = (e: unknown): e is SchemaIdNotFoundError => e instanceof SchemaIdNotFoundError;
