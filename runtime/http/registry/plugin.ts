/**
 * A Confluent Schema Registry compatible REST API over any SchemaRegistry port, as a Fastify
 * plugin: mounted under `/registry` on the main server and at `/` by `nexus registry serve`.
 * Paths, bodies, error codes and the `application/vnd.schemaregistry.v1+json` content type
 * follow Confluent's API reference so existing clients and tools work unchanged. AVRO only;
 * registered versions are never deleted (DELETE answers 405).
 *
 * Auth on the main server: reads need a valid token, writes (register, config) the `admin` scope.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CompatibilityMode, SchemaRegistry } from '../../ports/SchemaRegistry';
import { isSchemaNotFoundError } from '../../ports/SchemaRegistry';
import { canonicalSchema } from '../../core/schema/avro';
import { isCompatibilityMode } from '../../core/schema/compatibility';
import {
  CONFLUENT_CONTENT_TYPE, ConfluentHttpError, invalidCompatibility, invalidSchema, invalidVersion, schemaNotFound,
  subjectConfigNotFound, subjectNotFound, toConfluentError, unprocessable,
} from './confluentErrors';

export interface ConfluentRegistryOptions {
  readonly registry: SchemaRegistry;
}

interface SchemaBody { schema?: unknown; schemaType?: unknown; references?: unknown }
type Subject = { Params: { subject: string } };
type SubjectVersion = { Params: { subject: string; version: string } };

const READ = { config: {} };
const WRITE = { config: { scopes: ['admin' as const] } };
const INT_MAX = 2 ** 31 - 1;

/** "latest", -1 (Confluent's alias of latest) or 1..2^31-1; anything else is 42202. */
function parseVersion(raw: string): number | 'latest' {
  if (raw === 'latest' || raw === '-1') return 'latest';
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < 1 || n > INT_MAX) throw invalidVersion(raw);
  return n;
}

/** The schema text of a request body; only AVRO is accepted (Nexus' canonical format, ADR 0020). */
function schemaOf(body: unknown): string {
  const b = (body ?? {}) as SchemaBody;
  if (b.schemaType !== undefined && b.schemaType !== 'AVRO') throw invalidSchema(`schemaType ${JSON.stringify(b.schemaType)} is not supported; Nexus registries hold AVRO schemas only`);
  if (Array.isArray(b.references) && b.references.length > 0) throw invalidSchema('schema references are not supported');
  if (typeof b.schema !== 'string' || b.schema.trim() === '') throw unprocessable('body.schema must be the schema as a JSON string');
  return b.schema;
}

function modeOf(body: unknown): CompatibilityMode {
  const value = (body ?? {}) as { compatibility?: unknown; compatibilityLevel?: unknown };
  const mode = typeof value.compatibility === 'string' ? value.compatibility.toUpperCase() : value.compatibilityLevel;
  if (!isCompatibilityMode(mode)) throw invalidCompatibility(value.compatibility ?? value.compatibilityLevel);
  return mode;
}

async function assertSubject(registry: SchemaRegistry, subject: string): Promise<number[]> {
  try {
    return await registry.versions(subject);
  } catch (err) {
    if (isSchemaNotFoundError(err)) throw subjectNotFound(subject);
    throw err;
  }
}

const routes = async (app: FastifyInstance, { registry }: ConfluentRegistryOptions): Promise<void> => {
  // Confluent clients send their vendor content types; parse them (and plain JSON) as JSON.
  app.addContentTypeParser(
    ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/octet-stream'],
    { parseAs: 'string' },
    (_req, text, done) => {
      try {
        done(null, text === '' ? {} : JSON.parse(text as string));
      } catch (err) {
        (err as { statusCode?: number }).statusCode = 400;
        done(err as Error, undefined);
      }
    },
  );
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-type', CONFLUENT_CONTENT_TYPE);
    return payload;
  });
  app.setErrorHandler((err, _req, reply) => {
    const { status, body } = toConfluentError(err);
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error_code: 404, message: `HTTP 404 Not Found: ${req.method} ${req.url}` }));

  app.get('/', READ, async () => ({}));
  app.get('/subjects', READ, async () => registry.subjects());

  app.get<Subject>('/subjects/:subject/versions', READ, async (req) => assertSubject(registry, req.params.subject));

  const getVersion = async (req: FastifyRequest<SubjectVersion>) => {
    const version = parseVersion(req.params.version);
    await assertSubject(registry, req.params.subject);
    return registry.get(req.params.subject, version);
  };
  app.get<SubjectVersion>('/subjects/:subject/versions/:version', READ, async (req) => {
    const r = await getVersion(req);
    return { subject: r.subject, version: r.version, id: r.id, schema: r.schema };
  });
  app.get<SubjectVersion>('/subjects/:subject/versions/:version/schema', READ, async (req, reply: FastifyReply) => {
    const r = await getVersion(req);
    return reply.type(CONFLUENT_CONTENT_TYPE).send(r.schema);
  });

  app.post<Subject>('/subjects/:subject/versions', WRITE, async (req) => {
    const r = await registry.register(req.params.subject, schemaOf(req.body));
    return { id: r.id, version: r.version };
  });

  // "Is this schema registered under the subject?" → the matching version, or 40403.
  app.post<Subject>('/subjects/:subject', READ, async (req) => {
    const text = schemaOf(req.body);
    let canonical: string;
    try {
      canonical = canonicalSchema(text);
    } catch (err) {
      throw invalidSchema((err as Error).message);
    }
    for (const version of await assertSubject(registry, req.params.subject)) {
      const r = await registry.get(req.params.subject, version);
      if (canonicalSchema(r.schema) === canonical) return { subject: r.subject, id: r.id, version: r.version, schema: r.schema };
    }
    throw schemaNotFound();
  });

  app.get<{ Params: { id: string } }>('/schemas/ids/:id', READ, async (req) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id < 1) throw schemaNotFound(`Schema ${req.params.id} not found`);
    return { schema: (await registry.getById(id)).schema };
  });

  app.get('/schemas/types', READ, async () => ['AVRO']);
  // Which subject versions use a schema id (a scan: registries hold hundreds of versions, not millions).
  app.get<{ Params: { id: string } }>('/schemas/ids/:id/versions', READ, async (req) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id < 1) throw schemaNotFound(`Schema ${req.params.id} not found`);
    await registry.getById(id);
    const uses: Array<{ subject: string; version: number }> = [];
    for (const subject of await registry.subjects()) {
      for (const version of await registry.versions(subject)) {
        if ((await registry.get(subject, version)).id === id) uses.push({ subject, version });
      }
    }
    return uses;
  });

  const compatibility = (against: (req: FastifyRequest<SubjectVersion>) => number | 'latest' | undefined) =>
    async (req: FastifyRequest<SubjectVersion>) => {
      const version = against(req);
      const schema = schemaOf(req.body);
      if (version !== undefined) await assertSubject(registry, req.params.subject);
      const result = await registry.checkCompatibility(req.params.subject, schema, version);
      return { is_compatible: result.compatible, messages: result.messages };
    };
  app.post<SubjectVersion>('/compatibility/subjects/:subject/versions/:version', READ, compatibility((req) => parseVersion(req.params.version)));
  app.post<SubjectVersion>('/compatibility/subjects/:subject/versions', READ, compatibility(() => undefined));

  app.get('/config', READ, async () => ({ compatibilityLevel: await registry.getCompatibility() }));
  app.put('/config', WRITE, async (req) => {
    const mode = modeOf(req.body);
    await registry.setCompatibility(mode);
    return { compatibility: mode };
  });
  // Confluent answers 40408 when a subject has no mode of its own (unless defaultToGlobal=true);
  // the port only exposes the effective mode, so "same as global" reads as "not configured".
  app.get<Subject & { Querystring: { defaultToGlobal?: string } }>('/config/:subject', READ, async (req) => {
    const [own, global] = await Promise.all([registry.getCompatibility(req.params.subject), registry.getCompatibility()]);
    if (own === global && req.query.defaultToGlobal !== 'true') throw subjectConfigNotFound(req.params.subject);
    return { compatibilityLevel: own };
  });
  app.put<Subject>('/config/:subject', WRITE, async (req) => {
    const mode = modeOf(req.body);
    await registry.setCompatibility(mode, req.params.subject);
    return { compatibility: mode };
  });

  const appendOnly = async () => {
    throw new ConfluentHttpError(405, 405, 'Nexus schema registries are append-only: subjects and versions are never deleted (ADR 0021)');
  };
  app.delete('/subjects/:subject', WRITE, appendOnly);
  app.delete('/subjects/:subject/versions/:version', WRITE, appendOnly);
};

/** The plugin (not wrapped in fastify-plugin: its parsers, hooks and error handler stay inside its prefix). */
export const confluentRegistryPlugin: FastifyPluginAsync<ConfluentRegistryOptions> = routes;

/** Documented mount point on the main Nexus server. */
export const REGISTRY_PREFIX = '/registry';
