/**
 * Azure Functions entry point (Node programming model v4 handler shapes): an HTTP trigger for
 * the API, a Cosmos DB change-feed trigger for the relay, an Event Hubs trigger for consumers and
 * timers for snapshots and saga timeouts. The Function App's registration (app.http /
 * app.cosmosDB / app.timer from @azure/functions) wires these exports; they only translate into
 * NexusApp calls.
 */
import type { CloudEventEnvelope } from '../ports';
import { NexusApp, authFrom, manifestJsonFrom } from './app';

const env = process.env;
const auth = authFrom(env);
export const app = new NexusApp({ manifestJson: manifestJsonFrom(env), secrets: { NEXUS_JWT_SECRET: env.NEXUS_JWT_SECRET }, ...(auth ? { auth } : {}) });

/** The part of @azure/functions' HttpRequest the API needs. */
export interface FunctionsHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
}

export async function httpTrigger(request: FunctionsHttpRequest): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const url = new URL(request.url);
  const body = await request.text();
  const res = await app.http({ method: request.method, url: `${url.pathname}${url.search}`, headers, ...(body ? { body } : {}) });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

/** Cosmos DB change feed on the events container: a doorbell for the checkpointed relay. */
export async function changeFeed(): Promise<void> {
  await app.relay();
}

/** Event Hubs batch for one consumer group (NEXUS_CONSUMER_GROUP): each body is a CloudEvent envelope (or a Nexus wire message). */
export async function eventHub(messages: readonly unknown[]): Promise<void> {
  const envelopes = messages.map((m) => {
    const v = (typeof m === 'string' ? JSON.parse(m) : m) as { envelope?: CloudEventEnvelope } & CloudEventEnvelope;
    return v.envelope ?? v;
  });
  await app.consume(env.NEXUS_CONSUMER_GROUP ?? 'projections', envelopes);
}

/** Timer trigger: time-based snapshots. */
export async function snapshotTimer(): Promise<void> {
  await app.snapshots();
}

/**
 * Timer trigger (NEXUS_SAGA_TIMEOUT_SCHEDULE, every minute): fires every due saga timeout. A
 * failed instance makes it throw (the invocation is logged as failed); the timeout stays due in
 * the index, so the next tick tries it again.
 */
export async function sagaTimeoutTimer(): Promise<{ fired: number }> {
  return { fired: await app.sagaTimeouts() };
}
