/**
 * An HttpClient for @azure/cosmos (CosmosClientOptions.httpClient) that forwards every request to
 * cosmosdb-server except those a test chooses to answer with a recorded Cosmos DB response — the
 * shapes of the REST API's transactional batch answers: 207 Multi-Status with the failing
 * operation's status and 424 for the others (nothing applied), 429 with x-ms-retry-after-ms,
 * 413 RequestEntityTooLarge, 503. Every request is recorded so tests can assert its shape.
 */
import {
  createDefaultHttpClient, createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse,
} from '@azure/core-rest-pipeline';

export interface RecordedReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /** True when a recorded reply answered it (the server never saw it). */
  readonly recorded: boolean;
}

export const isBatch = (r: { headers: Record<string, string> }): boolean => r.headers['x-ms-cosmos-is-batch-request'] === 'true';

export class RecordedCosmosHttp implements HttpClient {
  readonly seen: SeenRequest[] = [];
  private readonly inner = createDefaultHttpClient();
  private readonly queue: Array<{ match: (r: SeenRequest) => boolean; reply: RecordedReply; times: number }> = [];

  /** Answers the next `times` requests matching `match` with `reply` instead of forwarding them. */
  replyTo(match: (r: SeenRequest) => boolean, reply: RecordedReply, times = 1): void {
    this.queue.push({ match, reply, times });
  }

  batches(): SeenRequest[] {
    return this.seen.filter(isBatch);
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const headers = request.headers.toJSON();
    const text = typeof request.body === 'string' ? request.body : undefined;
    const probe = { method: request.method, url: request.url, headers, body: text === undefined ? undefined : (JSON.parse(text) as unknown), recorded: false };
    const i = this.queue.findIndex((q) => q.times > 0 && q.match(probe));
    if (i < 0) {
      this.seen.push(probe);
      return this.inner.sendRequest(request);
    }
    const entry = this.queue[i]!;
    entry.times -= 1;
    this.seen.push({ ...probe, recorded: true });
    return {
      request,
      status: entry.reply.status,
      headers: createHttpHeaders({ 'content-type': 'application/json', 'x-ms-request-charge': '0', ...(entry.reply.headers ?? {}) }),
      bodyAsText: JSON.stringify(entry.reply.body),
    };
  }
}

/** The 207 a real transactional batch answers when operation `failed` fails with `status`. */
export function multiStatus(operations: number, failed: number, status: number): RecordedReply {
  return {
    status: 207,
    headers: { 'x-ms-activity-id': 'recorded' },
    body: Array.from({ length: operations }, (_, i) => (i === failed ? { statusCode: status, requestCharge: 1.24 } : { statusCode: 424, requestCharge: 0 })),
  };
}
