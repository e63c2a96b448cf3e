/**
 * SchemaRegistry on Pub/Sub schemas (ADR 0064). A subject is one Avro schema resource
 * `<subjectPrefix><subject>` (characters Pub/Sub ids do not allow are %-encoded); its versions
 * are the schema's revisions in creation order (createSchema = version 1, commitSchema = the
 * next). Pub/Sub has no compatibility modes and no numeric ids, so:
 *  - compatibility is Nexus' own check (runtime/core/schema/registryRules) run before a commit;
 *    modes are kept in a config schema `<subjectPrefix>~config` whose latest revision's `doc`
 *    holds them (a subject name cannot contain "~");
 *  - the id of a version is a 31-bit hash of its canonical text (one id per distinct schema, as
 *    Confluent does); getById scans the prefix's schemas once and caches.
 * Pub/Sub keeps at most 20 revisions per schema: a subject's 21st version is refused.
 */
import { v1, type PubSub } from '@google-cloud/pubsub';
import { InvalidSchemaError, type CompatibilityMode, type RegisteredSchema } from '../../ports/SchemaRegistry';
import { InvalidArgumentError } from '../../ports/errors';
import { assertSubjectName, schemaIdOf } from '../../core/schema/registryRules';
import { GLOBAL_SUBJECT, HistoryBackedRegistry } from '../../core/schema/historyRegistry';
import { parseCompatibilityMode } from '../../core/schema/compatibility';
import { canonicalSchema } from '../../core/schema/avro';
import { GrpcCode, isGrpc, translateTransient } from './googleErrors';

export interface PubSubSchemaRegistryOptions {
  readonly pubsub: PubSub;
  /** Prepended to every schema id (manifest `subjectPrefix`); must start with a letter. */
  readonly subjectPrefix: string;
}

type SchemaClient = v1.SchemaServiceClient;
interface Revision { readonly definition: string; readonly seconds: number; readonly nanos: number }

const SERVICE = 'Pub/Sub schema registry';

export class PubSubSchemaRegistry extends HistoryBackedRegistry {
  private client: Promise<SchemaClient> | undefined;

  constructor(private readonly options: PubSubSchemaRegistryOptions) {
    super();
  }

  protected async store(subject: string, canonical: string, history: readonly RegisteredSchema[]): Promise<RegisteredSchema> {
    const client = await this.schemas();
    const avro = { type: 'AVRO' as const, definition: canonical };
    await this.call(() => history.length === 0
      ? client.createSchema({ parent: this.project(), schemaId: this.schemaId(subject), schema: avro })
      : client.commitSchema({ name: this.schemaName(subject), schema: avro }));
    return { subject, version: history.length + 1, id: schemaIdOf(canonical), schema: canonical };
  }

  async subjects(): Promise<string[]> {
    const client = await this.schemas();
    const [schemas] = await this.call(() => client.listSchemas({ parent: this.project(), view: 'BASIC' }));
    const prefix = `${this.project()}/schemas/${this.options.subjectPrefix}`;
    return schemas
      .map((s) => s.name ?? '')
      .filter((n) => n.startsWith(prefix) && !n.endsWith('~config'))
      .map((n) => decodeURIComponent(n.slice(prefix.length)))
      .sort();
  }

  async setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void> {
    parseCompatibilityMode(mode);
    if (subject !== undefined) assertSubjectName(subject);
    const modes = { ...(await this.modes()), [subject ?? GLOBAL_SUBJECT]: mode };
    const definition = JSON.stringify({ type: 'record', name: 'NexusRegistryConfig', namespace: 'nexus', doc: JSON.stringify(modes), fields: [] });
    const client = await this.schemas();
    const name = `${this.project()}/schemas/${this.options.subjectPrefix}~config`;
    await this.call(() => client.commitSchema({ name, schema: { type: 'AVRO', definition } })).catch(async (err: unknown) => {
      if (!isGrpc(err, GrpcCode.NOT_FOUND)) throw err;
      await this.call(() => client.createSchema({ parent: this.project(), schemaId: `${this.options.subjectPrefix}~config`, schema: { type: 'AVRO', definition } }));
    });
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).close();
    await this.options.pubsub.close();
  }

  /** The subject's versions, oldest first (revisions sorted by creation time). */
  protected async history(subject: string): Promise<RegisteredSchema[]> {
    const revisions = await this.revisions(this.schemaName(subject));
    return revisions.map((r, i) => {
      const schema = canonicalSchema(r.definition);
      return { subject, version: i + 1, id: schemaIdOf(schema), schema };
    });
  }

  private async revisions(name: string): Promise<Revision[]> {
    const client = await this.schemas();
    try {
      const [list] = await this.call(() => client.listSchemaRevisions({ name, view: 'FULL' }));
      return list
        .map((s) => ({ definition: s.definition ?? '', seconds: Number(s.revisionCreateTime?.seconds ?? 0), nanos: s.revisionCreateTime?.nanos ?? 0 }))
        .sort((a, b) => a.seconds - b.seconds || a.nanos - b.nanos);
    } catch (err) {
      if (isGrpc(err, GrpcCode.NOT_FOUND)) return [];
      throw err;
    }
  }

  private async modes(): Promise<Record<string, CompatibilityMode>> {
    const revisions = await this.revisions(`${this.project()}/schemas/${this.options.subjectPrefix}~config`);
    const latest = revisions[revisions.length - 1];
    if (!latest) return {};
    return JSON.parse((JSON.parse(latest.definition) as { doc: string }).doc) as Record<string, CompatibilityMode>;
  }

  protected async modeOf(subject: string): Promise<CompatibilityMode> {
    const modes = await this.modes();
    return modes[subject] ?? modes[GLOBAL_SUBJECT] ?? 'BACKWARD';
  }

  private project(): string {
    return `projects/${this.options.pubsub.projectId}`;
  }

  private schemaId(subject: string): string {
    return `${this.options.subjectPrefix}${encodeURIComponent(subject)}`;
  }

  private schemaName(subject: string): string {
    return `${this.project()}/schemas/${this.schemaId(subject)}`;
  }

  private schemas(): Promise<SchemaClient> {
    this.client ??= this.options.pubsub.getClientConfig()
      .then((config) => new v1.SchemaServiceClient(config as ConstructorParameters<typeof v1.SchemaServiceClient>[0]));
    return this.client;
  }

  /** SDK errors into the port's: a definition Pub/Sub cannot parse is InvalidSchemaError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isGrpc(err, GrpcCode.INVALID_ARGUMENT)) {
        const message = err instanceof Error ? err.message : String(err);
        if (/schema|definition/i.test(message)) throw new InvalidSchemaError(`Pub/Sub rejected the schema: ${message}`);
        throw new InvalidArgumentError('schema', message);
      }
      throw translateTransient(SERVICE, err);
    }
  }
}
