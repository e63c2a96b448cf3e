/**
 * SchemaRegistry on the AWS Glue Schema Registry (ADR 0053). Subject = Glue schema (AVRO) in one
 * registry, versions = Glue version numbers. Nexus is the one compatibility authority on every
 * cloud: the shared core check (registryRules) runs before RegisterSchemaVersion, and Glue's own
 * check is created as NONE so the two can never disagree. Modes live in registry tags
 * (`nexus.compatibility` global, `nexus.compatibility.<subject>` per subject, so a mode can be
 * set before the subject's first version). Ids: Glue has UUID version ids; the port's integer id
 * is derived from the canonical schema text (one id per distinct schema, shared across subjects).
 */
import {
  CreateSchemaCommand, GetRegistryCommand, GetSchemaVersionCommand, GetTagsCommand, ListSchemaVersionsCommand, ListSchemasCommand,
  RegisterSchemaVersionCommand, TagResourceCommand, type GlueClient,
} from '@aws-sdk/client-glue';
import {
  InvalidArgumentError, InvalidSchemaError, SchemaNotFoundError, UnavailableError,
  type CompatibilityMode, type CompatibilityResult, type RegisteredSchema, type SchemaRegistry, type ValidationIssue,
} from '../../ports';
import { assertCanRegister, assertSubjectName, canonicalOrThrow, compatibilityFor, findSameSchema, ValidatorCache, schemaIdOf } from '../../core/schema/registryRules';
import { parseCompatibilityMode } from '../../core/schema/compatibility';
import { SchemaIdNotFoundError } from '../../core/schema/errors';
import { errorMessage, errorName } from './awsErrors';

const GLOBAL_TAG = 'nexus.compatibility';
const RETRYABLE = new Set(['ThrottlingException', 'InternalServiceException', 'OperationTimeoutException', 'ConcurrentModificationException']);

export interface GlueSchemaRegistryOptions {
  readonly client: GlueClient;
  readonly registryName: string;
  /** Polls while a new version is PENDING; default 200 ms, up to 30 s. */
  readonly pendingPollMs?: number;
}

export class GlueSchemaRegistry implements SchemaRegistry {
  private registryArn: string | undefined;
  /** Immutable once AVAILABLE: subject → version → definition. */
  private readonly definitions = new Map<string, Map<number, string>>();
  private readonly validators = new ValidatorCache();

  constructor(private readonly o: GlueSchemaRegistryOptions) {}

  async register(subject: string, schema: string): Promise<RegisteredSchema> {
    assertSubjectName(subject);
    const canonical = canonicalOrThrow(schema);
    const history = await this.history(subject);
    const same = findSameSchema(history, canonical);
    if (same) return same;
    assertCanRegister(subject, canonical, history, await this.getCompatibility(subject));
    const schemaId = { RegistryName: this.o.registryName, SchemaName: subject };
    const out = await this.call(subject, async () => {
      if (history.length === 0) {
        const created = await this.o.client.send(new CreateSchemaCommand({
          RegistryId: { RegistryName: this.o.registryName }, SchemaName: subject, DataFormat: 'AVRO', Compatibility: 'NONE',
          SchemaDefinition: canonical, Description: 'Managed by Nexus: compatibility is checked by Nexus (see docs/adr/0053)',
        }));
        return { id: created.SchemaVersionId, status: created.SchemaVersionStatus };
      }
      const registered = await this.o.client.send(new RegisterSchemaVersionCommand({ SchemaId: schemaId, SchemaDefinition: canonical }));
      return { id: registered.SchemaVersionId, status: registered.Status };
    }, true);
    const version = await this.awaitAvailable(subject, out.id, out.status);
    this.remember(subject, version, canonical);
    return { subject, version, id: schemaIdOf(canonical), schema: canonical };
  }

  async get(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    assertSubjectName(subject);
    const cached = typeof version === 'number' ? this.definitions.get(subject)?.get(version) : undefined;
    if (cached) return { subject, version: version as number, id: schemaIdOf(cached), schema: cached };
    const out = await this.call(subject, () => this.o.client.send(new GetSchemaVersionCommand({
      SchemaId: { RegistryName: this.o.registryName, SchemaName: subject },
      SchemaVersionNumber: version === 'latest' ? { LatestVersion: true } : { VersionNumber: version },
    })), false, version);
    if (out.Status !== 'AVAILABLE' || !out.SchemaDefinition || out.VersionNumber === undefined) {
      throw new SchemaNotFoundError(subject, version === 'latest' ? undefined : version);
    }
    const canonical = canonicalOrThrow(out.SchemaDefinition);
    this.remember(subject, out.VersionNumber, canonical);
    return { subject, version: out.VersionNumber, id: schemaIdOf(canonical), schema: canonical };
  }

  /** Glue cannot look a schema up by our id: scan subjects (definitions are cached, versions immutable). */
  async getById(id: number): Promise<RegisteredSchema> {
    for (const subject of await this.subjects()) {
      for (const v of await this.history(subject)) if (v.id === id) return v;
    }
    throw new SchemaIdNotFoundError(id);
  }

  async subjects(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.call('*', () => this.o.client.send(new ListSchemasCommand({ RegistryId: { RegistryName: this.o.registryName }, NextToken: token })));
      for (const s of out.Schemas ?? []) if (s.SchemaName && s.SchemaStatus !== 'DELETING') names.push(s.SchemaName);
      token = out.NextToken;
    } while (token);
    return names.sort();
  }

  async versions(subject: string): Promise<number[]> {
    assertSubjectName(subject);
    const versions: number[] = [];
    let token: string | undefined;
    do {
      const out = await this.call(subject, () => this.o.client.send(new ListSchemaVersionsCommand({
        SchemaId: { RegistryName: this.o.registryName, SchemaName: subject }, NextToken: token,
      })));
      for (const v of out.Schemas ?? []) if (v.Status === 'AVAILABLE' && v.VersionNumber !== undefined) versions.push(v.VersionNumber);
      token = out.NextToken;
    } while (token);
    if (versions.length === 0) throw new SchemaNotFoundError(subject);
    return versions.sort((a, b) => a - b);
  }

  async checkCompatibility(subject: string, schema: string, against?: number | 'latest' | 'all'): Promise<CompatibilityResult> {
    assertSubjectName(subject);
    const canonical = canonicalOrThrow(schema);
    return compatibilityFor(subject, canonical, await this.history(subject), await this.getCompatibility(subject), against);
  }

  async getCompatibility(subject?: string): Promise<CompatibilityMode> {
    const tags = (await this.call('*', async () => this.o.client.send(new GetTagsCommand({ ResourceArn: await this.arn() })))).Tags ?? {};
    const own = subject === undefined ? undefined : tags[this.subjectTag(subject)];
    return parseCompatibilityMode(own ?? tags[GLOBAL_TAG] ?? 'BACKWARD');
  }

  async setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void> {
    parseCompatibilityMode(mode);
    const key = subject === undefined ? GLOBAL_TAG : this.subjectTag(subject);
    await this.call('*', async () => this.o.client.send(new TagResourceCommand({ ResourceArn: await this.arn(), TagsToAdd: { [key]: mode } })));
  }

  async validate(subject: string, version: number, data: unknown): Promise<ValidationIssue[]> {
    return this.validators.validate(subject, version, data, (sub, v) => this.get(sub, v));
  }

  async close(): Promise<void> {
    this.definitions.clear();
  }

  private subjectTag(subject: string): string {
    assertSubjectName(subject);
    const key = `${GLOBAL_TAG}.${subject}`;
    if (key.length > 128) throw new InvalidArgumentError('subject', `${subject}: a per-subject mode on Glue is a registry tag, whose key is limited to 128 characters`);
    return key;
  }

  /** Every AVAILABLE version of a subject (empty when the subject does not exist). */
  private async history(subject: string): Promise<RegisteredSchema[]> {
    let versions: number[];
    try {
      versions = await this.versions(subject);
    } catch (err) {
      if (err instanceof SchemaNotFoundError) return [];
      throw err;
    }
    return Promise.all(versions.map((v) => this.get(subject, v)));
  }

  private remember(subject: string, version: number, canonical: string): void {
    const m = this.definitions.get(subject) ?? new Map<number, string>();
    m.set(version, canonical);
    this.definitions.set(subject, m);
  }

  private async awaitAvailable(subject: string, versionId: string | undefined, status: string | undefined): Promise<number> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const out = await this.call(subject, () => this.o.client.send(new GetSchemaVersionCommand({ SchemaVersionId: versionId })));
      const current = out.Status ?? status;
      if (current === 'AVAILABLE' && out.VersionNumber !== undefined) return out.VersionNumber;
      if (current === 'FAILURE') throw new InvalidSchemaError(`Glue rejected the new version of ${subject} (status FAILURE)`);
      if (Date.now() > deadline) throw new UnavailableError(`Glue registry ${this.o.registryName}`, `version of ${subject} still ${current} after 30 s`);
      await new Promise((r) => setTimeout(r, this.o.pendingPollMs ?? 200));
    }
  }

  private async arn(): Promise<string> {
    this.registryArn ??= (await this.call('*', () => this.o.client.send(new GetRegistryCommand({ RegistryId: { RegistryName: this.o.registryName } })))).RegistryArn;
    if (!this.registryArn) throw new UnavailableError(`Glue registry ${this.o.registryName}`, 'GetRegistry returned no ARN');
    return this.registryArn;
  }

  /** Glue errors → port errors: EntityNotFound → SchemaNotFound, InvalidInput (on register) → InvalidSchema, throttling → Unavailable. */
  private async call<T>(subject: string, fn: () => Promise<T>, registering = false, version?: number | 'latest'): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const name = errorName(err);
      if (name === 'EntityNotFoundException') {
        if (subject === '*') throw new UnavailableError(`Glue registry ${this.o.registryName}`, `registry not found: ${errorMessage(err)}`, { cause: err });
        const exists = typeof version === 'number' && (await this.subjects()).includes(subject);
        throw new SchemaNotFoundError(subject, exists ? version : undefined);
      }
      if (name === 'InvalidInputException' && registering) throw new InvalidSchemaError(`Glue rejected the schema of ${subject}: ${errorMessage(err)}`);
      if (name === 'ResourceNumberLimitExceededException') throw new InvalidArgumentError('subject', `${subject}: Glue limit reached: ${errorMessage(err)}`);
      if (RETRYABLE.has(name)) throw new UnavailableError(`Glue registry ${this.o.registryName}`, `${name}: ${errorMessage(err)}`, { cause: err });
      throw err;
    }
  }
}
