/** Shared JSON Schemas for route definitions (the OpenAPI document is generated from them). */

export const errorSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  additionalProperties: true,
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

/** `{ 400: errorSchema, 404: errorSchema, ... }` for a route's response map. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema]));
}

/**
 * Adds OpenAPI documentation keys (tags, summary) to a Fastify route schema. Fastify ignores
 * them; the OpenAPI generator reads them.
 */
export function documented<T extends object>(docs: { readonly tags: readonly string[]; readonly summary: string }, schema: T): T {
  return { ...docs, ...schema };
}
