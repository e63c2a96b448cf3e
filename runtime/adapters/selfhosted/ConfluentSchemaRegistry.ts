/**
 * SchemaRegistry over a Confluent-compatible REST API (the `confluent` manifest kind): the Nexus
 * runtime's own registry API (`<api>/registry`, ADR 0026) or any Confluent-compatible server.
 * Compatibility is decided by the server; validation fetches the schema version and checks the
 * data locally with the same validator every registry uses. Confluent error codes map back to
 * the port's errors (40401/40402/40403 → SchemaNotFoundError, 409 → IncompatibleSchemaError,
 * 42201 → InvalidSchemaError, 429/5xx/network → UnavailableError).
 */
import {
  IncompatibleSchemaError, InvalidSchemaError, SchemaNotFoundError,
  type CompatibilityMode, type CompatibilityResult, type RegisteredSchema, type SchemaRegistry, type ValidationIssue,
} from '../../ports/SchemaRegistry';
import { InvalidArgumentError, UnavailableError } from '../../ports/errors';
import { validateData } from '../../core/schema/validation';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface ConfluentSchemaRegistryOptions {
  /** Base URL, e.g. https://nexus.example.com/registry. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly errorCode: number, message: string) {
    super(message);
  }
}

export class ConfluentSchemaRegistry implements SchemaRegistry {
  private readonly base: string;
  private readonly schemas = new Map<string, RegisteredSchema>();

  constructor(private readonly options: ConfluentSchemaRegistryOptions) {
    this.base = options.url.replace(/\/$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { accept: CONTENT_TYPE, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }), ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new UnavailableError(`schema registry ${this.base}`, (err as Error).message, { cause: err });
    }
    const text = await res.text();
    const json = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (res.ok) return json as T;
    const e = (json ?? {}) as { error_code?: number; message?: string };
    if (res.status === 429 || res.status >= 500) throw new UnavailableError(`schema registry ${this.base}`, `${res.status} ${e.message ?? ''}`);
    throw new HttpError(res.status, e.error_code ?? res.status, e.message ?? `HTTP ${res.status}`);
  }

  /** Maps Confluent errors of a subject/version call to the port's errors. */
  private async subjectCall<T>(subject: string, version: number | string | undefined, method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.call<T>(method, path, body);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.errorCode === 40401) throw new SchemaNotFoundError(subject);
      if (err.errorCode === 40402) throw new SchemaNotFoundError(subject, version);
      if (err.errorCode === 42201) throw new InvalidSchemaError(err.message);
      if (err.errorCode === 42202 || err.errorCode === 42203 || err.errorCode === 422) throw new InvalidArgumentError('request', err.message);
      throw err;
    }
  }

  private static s(subject: string): string {
    return encodeURIComponent(subject);
  }

  async register(subject: string, schema: string): Promise<RegisteredSchema> {
    try {
      await this.subjectCall<{ id: number }>(subject, undefined, 'POST', `/subjects/${ConfluentSchemaRegistry.s(subject)}/versions`, { schema });
    } catch (err) {
      if (err instanceof HttpError && err.status === 409) {
        throw new IncompatibleSchemaError(subject, await this.getCompatibility(subject), [err.message]);
      }
      throw err;
    }
    const found = await this.subjectCall<RegisteredSchema>(subject, undefined, 'POST', `/subjects/${ConfluentSchemaRegistry.s(subject)}`, { schema });
    return { subject: found.subject, version: found.version, id: found.id, schema: found.schema };
  }

  async get(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    const cached = version === 'latest' ? undefined : this.schemas.get(`${subject}@${version}`);
    if (cached) return cached;
    const r = await this.subjectCall<RegisteredSchema>(subject, version, 'GET', `/subjects/${ConfluentSchemaRegistry.s(subject)}/versions/${version}`);
    const out = { subject: r.subject, version: r.version, id: r.id, schema: r.schema };
    this.schemas.set(`${subject}@${out.version}`, out);
    return out;
  }

  async getById(id: number): Promise<RegisteredSchema> {
    try {
      const uses = await this.call<Array<{ subject: string; version: number }>>('GET', `/schemas/ids/${id}/versions`);
      const first = uses[0];
      if (!first) throw new SchemaNotFoundError(`id ${id}`);
      return await this.get(first.subject, first.version);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) throw new SchemaNotFoundError(`id ${id}`);
      throw err;
    }
  }

  async subjects(): Promise<string[]> {
    return (await this.call<string[]>('GET', '/subjects')).sort();
  }

  async versions(subject: string): Promise<number[]> {
    return this.subjectCall<number[]>(subject, undefined, 'GET', `/subjects/${ConfluentSchemaRegistry.s(subject)}/versions`);
  }

  async checkCompatibility(subject: string, schema: string, against: number | 'latest' | 'all' = 'latest'): Promise<CompatibilityResult> {
    const path = against === 'all'
      ? `/compatibility/subjects/${ConfluentSchemaRegistry.s(subject)}/versions`
      : `/compatibility/subjects/${ConfluentSchemaRegistry.s(subject)}/versions/${against}?verbose=true`;
    try {
      const r = await this.subjectCall<{ is_compatible: boolean; messages?: string[] }>(subject, against, 'POST', path, { schema });
      return { compatible: r.is_compatible, messages: r.messages ?? [] };
    } catch (err) {
      // Confluent answers 40401 for a subject without versions; the port: any first schema is compatible.
      if (err instanceof SchemaNotFoundError && err.version === undefined) {
        return { compatible: true, messages: [] };
      }
      throw err;
    }
  }

  async getCompatibility(subject?: string): Promise<CompatibilityMode> {
    const path = subject === undefined ? '/config' : `/config/${ConfluentSchemaRegistry.s(subject)}?defaultToGlobal=true`;
    return (await this.call<{ compatibilityLevel: CompatibilityMode }>('GET', path)).compatibilityLevel;
  }

  async setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void> {
    const path = subject === undefined ? '/config' : `/config/${ConfluentSchemaRegistry.s(subject)}`;
    await this.subjectCall(subject ?? '', undefined, 'PUT', path, { compatibility: mode });
  }

  async validate(subject: string, version: number, data: unknown): Promise<ValidationIssue[]> {
    return validateData((await this.get(subject, version)).schema, data);
  }

  async close(): Promise<void> {
    this.schemas.clear();
  }
}
