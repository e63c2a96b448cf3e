/**
 * SchemaRegistry on Azure Schema Registry (an Event Hubs namespace's schema group, ADR 0074).
 * A subject is one Avro schema `name` in the group (characters outside [A-Za-z0-9.-] are
 * `_HH`-escaped); its versions are Azure's schema versions (1, 2, ...). The group's own
 * compatibility is None (providers/azure/schemaRegistry.ts): Nexus' compatibility check
 * (runtime/core/schema) runs before every registration, identical on every cloud. The SDK has
 * no list operations, so the adapter keeps two bookkeeping schemas in the group (their names
 * start with "_n", which escaping never produces): `_nexus_subjects` (doc = the subject list)
 * and `_nexus_config` (doc = the compatibility modes); their latest version is authoritative.
 * Ids: the port's numeric id is a 31-bit hash of the canonical text (Azure ids are GUIDs).
 */
import type { SchemaProperties, SchemaRegistryClient } from '@azure/schema-registry';
import { InvalidSchemaError, SchemaNotFoundError, type CompatibilityMode, type RegisteredSchema } from '../../ports/SchemaRegistry';
import { InvalidArgumentError, UnavailableError } from '../../ports/errors';
import { assertSubjectName, schemaIdOf } from '../../core/schema/registryRules';
import { GLOBAL_SUBJECT, HistoryBackedRegistry } from '../../core/schema/historyRegistry';
import { parseCompatibilityMode } from '../../core/schema/compatibility';
import { canonicalSchema } from '../../core/schema/avro';

export interface AzureSchemaRegistryOptions {
  readonly client: Pick<SchemaRegistryClient, 'registerSchema' | 'getSchema'>;
  /** The schema group (manifest registry.group). */
  readonly group: string;
}

const SERVICE = 'Azure Schema Registry';
const SUBJECTS = '_nexus_subjects';
const CONFIG = '_nexus_config';

export const schemaNameOf = (subject: string): string =>
  subject.replace(/[^A-Za-z0-9.-]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

const status = (err: unknown): number | undefined => {
  const s = typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : undefined;
  return typeof s === 'number' ? s : undefined;
};

export class AzureSchemaRegistry extends HistoryBackedRegistry {
  private readonly histories = new Map<string, RegisteredSchema[]>();
  private readonly metaVersions = new Map<string, { version: number; doc: string }>();

  constructor(private readonly options: AzureSchemaRegistryOptions) {
    super();
  }

  protected async store(subject: string, canonical: string, history: readonly RegisteredSchema[]): Promise<RegisteredSchema> {
    const props = await this.call(() => this.options.client.registerSchema({ groupName: this.options.group, name: schemaNameOf(subject), definition: canonical, format: 'Avro' }));
    const registered = { subject, version: props.version, id: schemaIdOf(canonical), schema: canonical };
    this.histories.set(subject, [...history, registered].sort((a, b) => a.version - b.version));
    if (history.length === 0) await this.updateMeta(SUBJECTS, (doc) => JSON.stringify([...new Set([...(JSON.parse(doc || '[]') as string[]), subject])].sort()));
    return registered;
  }

  async subjects(): Promise<string[]> {
    const doc = (await this.meta(SUBJECTS))?.doc;
    return doc ? (JSON.parse(doc) as string[]) : [];
  }

  async setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void> {
    parseCompatibilityMode(mode);
    if (subject !== undefined) assertSubjectName(subject);
    await this.updateMeta(CONFIG, (doc) => JSON.stringify({ ...(JSON.parse(doc || '{}') as Record<string, string>), [subject ?? GLOBAL_SUBJECT]: mode }));
  }

  async close(): Promise<void> {
    this.histories.clear();
  }

  /** A subject's versions, oldest first: the cached ones plus any newer ones (probed until 404). */
  protected async history(subject: string): Promise<RegisteredSchema[]> {
    const known = this.histories.get(subject) ?? [];
    const found = [...known];
    for (let v = known.length + 1; ; v++) {
      const definition = await this.definition(schemaNameOf(subject), v);
      if (definition === undefined) break;
      const schema = canonicalSchema(definition);
      found.push(this.remember({ subject, version: v, id: schemaIdOf(schema), schema }));
    }
    this.histories.set(subject, found);
    return found;
  }

  private async definition(name: string, version: number): Promise<string | undefined> {
    try {
      return (await this.call(() => this.options.client.getSchema(name, this.options.group, version))).definition;
    } catch (err) {
      if (err instanceof SchemaNotFoundError) return undefined;
      throw err;
    }
  }

  /** Latest version of a bookkeeping schema and the JSON in its doc. */
  private async meta(name: string): Promise<{ version: number; doc: string } | undefined> {
    let latest = this.metaVersions.get(name);
    for (let v = (latest?.version ?? 0) + 1; ; v++) {
      const definition = await this.definition(name, v);
      if (definition === undefined) break;
      latest = { version: v, doc: (JSON.parse(definition) as { doc?: string }).doc ?? '' };
    }
    if (latest) this.metaVersions.set(name, latest);
    return latest;
  }

  private async updateMeta(name: string, change: (doc: string) => string): Promise<void> {
    const doc = change((await this.meta(name))?.doc ?? '');
    const definition = JSON.stringify({ type: 'record', name: name.replace(/^_/, ''), namespace: 'nexus.registry', doc, fields: [] });
    const props = await this.call(() => this.options.client.registerSchema({ groupName: this.options.group, name, definition, format: 'Avro' }));
    this.metaVersions.set(name, { version: props.version, doc });
  }

  protected async modeOf(subject: string): Promise<CompatibilityMode> {
    const doc = (await this.meta(CONFIG))?.doc;
    const modes = doc ? (JSON.parse(doc) as Record<string, CompatibilityMode>) : {};
    return modes[subject] ?? modes[GLOBAL_SUBJECT] ?? 'BACKWARD';
  }

  /** RestError → port errors: 404 SchemaNotFound, 400/415 InvalidSchema, 429/503/5xx Unavailable (Retry-After honoured). */
  private async call<T extends SchemaProperties | { definition: string }>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const s = status(err);
      const message = err instanceof Error ? err.message : String(err);
      if (s === 404) throw new SchemaNotFoundError(message);
      if (s === 400 || s === 415) {
        if (/schema|definition|avro/i.test(message)) throw new InvalidSchemaError(`${SERVICE} rejected the schema: ${message}`);
        throw new InvalidArgumentError('schema', message);
      }
      if (s === 408 || s === 429 || (s !== undefined && s >= 500)) {
        const headers = (err as { response?: { headers?: { get(n: string): string | undefined } } }).response?.headers;
        const seconds = Number(headers?.get('retry-after'));
        throw new UnavailableError(SERVICE, `HTTP ${s}: ${message}`, { cause: err, ...(Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {}) });
      }
      throw err;
    }
  }
}
