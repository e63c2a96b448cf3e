/**
 * Azure Schema Registry at the SDK boundary: an HttpClient for SchemaRegistryClient
 * (CommonClientOptions.httpClient) that answers the data-plane REST API the SDK calls, with the
 * request/response shapes of the REST reference (api-version 2023-07-01): PUT
 * /$schemaGroups/{group}/schemas/{name} (204 + Schema-Id / Schema-Version / Schema-Group-Name /
 * Schema-Name / Location headers; the same definition again returns the existing version),
 * GET .../schemas/{name}/versions/{v} and GET /$schemaGroups/$schemas/{id} (200, the definition
 * as body, content type application/json;serialization=Avro), and the documented errors
 * (404 ItemNotFound, 400 InvalidSchema for a definition that is not Avro, 429 with Retry-After).
 * No local Azure Schema Registry exists; this is the test double, not a product path.
 */
import { randomUUID } from 'node:crypto';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import { bodyText } from './recordedHttp';

interface Stored { id: string; group: string; name: string; version: number; definition: string }

export const fakeCredential: TokenCredential = { getToken: async () => ({ token: 'recorded-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

export class RecordedSchemaRegistryHttp implements HttpClient {
  readonly requests: Array<{ method: string; url: string; contentType: string | undefined; authorization: string | undefined }> = [];
  private readonly schemas: Stored[] = [];
  private throttle = 0;

  /** The next `times` requests are answered 429 with Retry-After: 1. */
  throttleNext(times = 1): void {
    this.throttle += times;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    this.requests.push({ method: request.method, url: request.url, contentType: request.headers.get('content-type'), authorization: request.headers.get('authorization') });
    if (this.throttle > 0) {
      this.throttle--;
      return this.reply(request, 429, { 'retry-after': '1' }, { error: { code: 'TooManyRequests', message: 'The request was throttled.' } });
    }
    const path = decodeURIComponent(url.pathname);
    let m = /^\/\$schemaGroups\/([^/]+)\/schemas\/([^/:]+)$/.exec(path);
    if (m && request.method === 'PUT') return this.register(request, m[1]!, m[2]!, bodyText(request.body) ?? '');
    m = /^\/\$schemaGroups\/([^/]+)\/schemas\/([^/]+)\/versions\/(\d+)$/.exec(path);
    if (m && request.method === 'GET') {
      const s = this.schemas.find((x) => x.group === m![1] && x.name === m![2] && x.version === Number(m![3]));
      return s ? this.schemaReply(request, s) : this.notFound(request, `Schema ${m[1]}/${m[2]} version ${m[3]} does not exist.`);
    }
    m = /^\/\$schemaGroups\/\$schemas\/([^/]+)$/.exec(path);
    if (m && request.method === 'GET') {
      const s = this.schemas.find((x) => x.id === m[1]);
      return s ? this.schemaReply(request, s) : this.notFound(request, `Schema id ${m[1]} does not exist.`);
    }
    return this.reply(request, 400, {}, { error: { code: 'InvalidRequest', message: `unexpected ${request.method} ${path}` } });
  }

  private register(request: PipelineRequest, group: string, name: string, definition: string): PipelineResponse {
    const type = request.headers.get('content-type') ?? '';
    if (!/serialization=avro/i.test(type)) return this.reply(request, 415, {}, { error: { code: 'InvalidRequest', message: `Unsupported content type ${type}` } });
    try {
      const parsed = JSON.parse(definition) as { type?: unknown };
      if (typeof parsed !== 'object' || parsed === null || !parsed.type) throw new Error('no type');
    } catch {
      return this.reply(request, 400, {}, { error: { code: 'InvalidSchema', message: 'Invalid schema: the Avro schema definition could not be parsed.' } });
    }
    const versions = this.schemas.filter((x) => x.group === group && x.name === name);
    const same = versions.find((x) => x.definition === definition);
    const s = same ?? { id: randomUUID().replace(/-/g, ''), group, name, version: versions.length + 1, definition };
    if (!same) this.schemas.push(s);
    return this.reply(request, 204, this.headers(request, s), undefined);
  }

  private headers(request: PipelineRequest, s: Stored): Record<string, string> {
    const base = new URL(request.url).origin;
    return {
      'content-type': 'application/json;serialization=Avro',
      'schema-id': s.id,
      'schema-id-location': `${base}/$schemagroups/$schemas/${s.id}?api-version=2023-07-01`,
      'schema-group-name': s.group,
      'schema-name': s.name,
      'schema-version': String(s.version),
      location: `${base}/$schemagroups/${s.group}/schemas/${s.name}/versions/${s.version}?api-version=2023-07-01`,
    };
  }

  private schemaReply(request: PipelineRequest, s: Stored): PipelineResponse {
    return { request, status: 200, headers: createHttpHeaders(this.headers(request, s)), bodyAsText: s.definition };
  }

  private notFound(request: PipelineRequest, message: string): PipelineResponse {
    return this.reply(request, 404, {}, { error: { code: 'ItemNotFound', message } });
  }

  private reply(request: PipelineRequest, status: number, headers: Record<string, string>, body: unknown): PipelineResponse {
    return {
      request, status,
      headers: createHttpHeaders({ ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }),
      ...(body === undefined ? {} : { bodyAsText: JSON.stringify(body) }),
    };
  }
}
