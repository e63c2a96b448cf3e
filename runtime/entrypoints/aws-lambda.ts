/**
 * AWS Lambda entry point (handler `aws-lambda.<name>` in the bundle): translates API Gateway,
 * DynamoDB Streams, Kinesis/SQS and EventBridge events (snapshots, saga timeouts) into the shared
 * NexusApp calls. Reads the manifest and JWT settings from configuration (environment), nothing else.
 */
import { NexusApp, authFrom, manifestJsonFrom } from './app';
import { decodeMessage } from '../adapters/aws/busRecords';

const env = process.env;
const auth = authFrom(env);
export const app = new NexusApp({ manifestJson: manifestJsonFrom(env), secrets: { NEXUS_JWT_SECRET: env.NEXUS_JWT_SECRET }, ...(auth ? { auth } : {}) });

interface HttpApiEvent {
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly http?: { readonly method: string }; readonly eventType?: string; readonly connectionId?: string };
}

interface LambdaResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** API Gateway HTTP API (payload 2.0) and the notifications WebSocket API's $connect/$disconnect/$default. */
export async function api(event: HttpApiEvent): Promise<LambdaResult> {
  if (event.requestContext?.eventType) {
    // WebSocket lifecycle: the apigateway-websocket notifier keeps connection records (connections table).
    return { statusCode: 200 };
  }
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const res = await app.http({
    method: event.requestContext?.http?.method ?? 'GET',
    url: `${event.rawPath ?? '/'}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
    headers: event.headers ?? {},
    ...(body !== undefined ? { body } : {}),
  });
  return { statusCode: res.statusCode, headers: res.headers, body: res.body };
}

/** DynamoDB Streams trigger: a doorbell for the checkpointed relay (see NexusApp.relay). */
export async function relay(): Promise<{ published: number }> {
  return { published: await app.relay() };
}

interface ConsumerRecord {
  readonly messageId?: string;
  readonly body?: string;
  readonly kinesis?: { readonly data: string; readonly sequenceNumber: string };
}

/**
 * Kinesis (core) and SQS (non-critical) deliveries for one consumer group (NEXUS_CONSUMER_GROUP:
 * saga groups run the sagas, others the projections). Reports the first
 * failed record (Kinesis: everything after it is retried, keeping per-shard order).
 */
export async function consumer(event: { readonly Records?: readonly ConsumerRecord[] }): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const group = env.NEXUS_CONSUMER_GROUP ?? 'projections';
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const r of event.Records ?? []) {
    const id = r.kinesis?.sequenceNumber ?? r.messageId ?? '';
    try {
      const body = r.kinesis ? Buffer.from(r.kinesis.data, 'base64') : r.body;
      await app.consume(group, [decodeMessage(body, `record ${id}`).envelope]);
    } catch {
      failures.push({ itemIdentifier: id });
      if (r.kinesis) break;
    }
  }
  return { batchItemFailures: failures };
}

/** EventBridge schedule: time-based snapshots. */
export async function snapshots(): Promise<{ snapshotted: number }> {
  return { snapshotted: await app.snapshots() };
}

/**
 * EventBridge schedule (every minute): fires every due saga timeout. A failed instance makes the
 * run throw, so Lambda retries it and then dead-letters it (providers/aws/runtimeSchedule.ts);
 * the timeout stays due in the index either way, so the next run tries it again.
 */
export async function sagaTimeouts(): Promise<{ fired: number }> {
  return { fired: await app.sagaTimeouts() };
}
