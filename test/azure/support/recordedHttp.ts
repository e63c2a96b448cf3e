/**
 * A small HttpClient for Azure SDK clients (CommonClientOptions.httpClient) that answers from
 * routes a test registers — the request/response shapes of the services' REST references —
 * and records every request (method, URL, headers, JSON body) for assertions. Used where no
 * local server exists (Azure AI Search, Web PubSub). Not a product path.
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface Seen {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export const testCredential: TokenCredential = { getToken: async () => ({ token: 'recorded-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

export class RecordedHttp implements HttpClient {
  readonly seen: Seen[] = [];
  private readonly routes: Array<{ method: string; path: RegExp; reply: (req: Seen, m: RegExpExecArray) => Reply }> = [];

  on(method: string, path: RegExp, reply: (req: Seen, m: RegExpExecArray) => Reply): this {
    this.routes.unshift({ method, path, reply });
    return this;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    const text = bodyText(request.body);
    let body: unknown = text;
    try {
      body = text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // not JSON: keep the text
    }
    const seen: Seen = { method: request.method, url, path, headers: request.headers.toJSON(), body };
    this.seen.push(seen);
    for (const r of this.routes) {
      const m = r.method === request.method ? r.path.exec(path) : null;
      if (!m) continue;
      const reply = r.reply(seen, m);
      const json = reply.body !== undefined && typeof reply.body !== 'string';
      return {
        request,
        status: reply.status,
        headers: createHttpHeaders({ ...(json ? { 'content-type': 'application/json; odata.metadata=minimal' } : {}), ...(reply.headers ?? {}) }),
        ...(reply.body === undefined ? {} : { bodyAsText: typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body) }),
      };
    }
    return { request, status: 404, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify({ error: { code: 'NoRoute', message: `no recorded route for ${request.method} ${path}` } }) };
  }
}

/** The request body as text, whatever form the SDK built it in (string, bytes, or a stream factory's buffer). */
export function bodyText(body: PipelineRequest['body']): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined; // streams and form data are not used by these SDK calls
}
