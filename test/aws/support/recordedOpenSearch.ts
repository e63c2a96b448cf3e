/**
 * OpenSearch at the transport boundary: a Connection for @opensearch-project/opensearch that
 * records each HTTP request the real client builds (method, path, query, body) and answers with
 * a response recorded from the OpenSearch REST API reference (status + JSON body). No OpenSearch
 * server runs here; these responses are the documented shapes, incl. errors.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Client, Connection } from '@opensearch-project/opensearch';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly querystring: string;
  readonly body: string;
}
export interface RecordedResponse {
  readonly status: number;
  readonly body: unknown;
}

export function recordedOpenSearch(responder: (req: RecordedRequest) => RecordedResponse) {
  const requests: RecordedRequest[] = [];
  class RecordingConnection extends Connection {
    override request(params: Parameters<Connection['request']>[0], callback: (err: Error | null, res: IncomingMessage | null) => void): ClientRequest {
      const p = params as unknown as { method: string; path: string; querystring?: string; body?: string | Buffer };
      const req = { method: p.method, path: p.path, querystring: p.querystring ?? '', body: p.body ? String(p.body) : '' };
      requests.push(req);
      const answer = responder(req);
      const stream = Readable.from([Buffer.from(JSON.stringify(answer.body))]) as Readable & { statusCode: number; headers: Record<string, string> };
      stream.statusCode = answer.status;
      stream.headers = { 'content-type': 'application/json; charset=UTF-8' };
      setImmediate(() => callback(null, stream as unknown as IncomingMessage));
      // The transport only calls abort() on the returned request.
      return { abort: () => undefined } as unknown as ClientRequest;
    }
  }
  const client = new Client({ node: 'http://opensearch.test:9200', Connection: RecordingConnection, maxRetries: 0 });
  return { client, requests };
}

/** OpenSearch's error body shape (REST API reference), e.g. index_not_found_exception. */
export function errorBody(status: number, type: string, reason: string): RecordedResponse {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } };
}
