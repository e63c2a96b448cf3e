/**
 * Azure Functions entry point (Node.js programming model v4): the handlers of the Function App's
 * functions — HTTP (API), Cosmos DB change feed (relay), Event Hubs per consumer group and hub,
 * timers for snapshots and saga timeouts. They only translate trigger inputs into NexusApp calls.
 * The Function App discovers them through azure-functions-app.ts (package.json "main" of the
 * Azure package), which registers `handlers` with @azure/functions (azureFunctionsRegistration.ts
 * holds the bindings); this file imports no SDK, so tests call the handlers without a host.
 */
import type { BusPath } from '../ports';
import { NexusApp, authFrom, manifestJsonFrom } from './app';
import { consumeBatch, type BatchResult, type DeadLetterSink } from './azureEventHubBatch';
import type { FunctionsHttpRequest, FunctionsHttpResult, FunctionsInvocation, NexusFunctionHandlers } from './azureFunctionsRegistration';

const env = process.env;
const auth = authFrom(env);
export const app = new NexusApp({ manifestJson: manifestJsonFrom(env), secrets: { NEXUS_JWT_SECRET: env.NEXUS_JWT_SECRET }, ...(auth ? { auth } : {}) });

export type { FunctionsHttpRequest };

/** HTTP trigger (route `{*path}`, host.json routePrefix ""): the request's path and query reach the API unchanged. */
export async function httpTrigger(request: FunctionsHttpRequest): Promise<FunctionsHttpResult> {
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
export async function changeFeed(): Promise<{ published: number }> {
  return { published: await app.relay() };
}

/** The bus's dead-letter queue when it can take a message directly (the Azure bus's Cosmos queue can). */
async function deadLetterSink(): Promise<DeadLetterSink | undefined> {
  const dlq = (await app.runtime()).bus.deadLetters as Partial<DeadLetterSink>;
  return typeof dlq.put === 'function' ? (dlq as DeadLetterSink) : undefined;
}

/**
 * Event Hubs trigger (cardinality many) of one consumer group on one hub: saga groups run the
 * sagas, others the projections (NexusApp.consume), one message at a time in partition order,
 * retried then dead-lettered inside the invocation (azureEventHubBatch.ts).
 */
export function eventHub(group: string, path: BusPath): (messages: unknown[], context?: FunctionsInvocation) => Promise<BatchResult> {
  return async (messages, context) => {
    const props = context?.triggerMetadata?.propertiesArray;
    return consumeBatch({
      group, path,
      consume: (g, envelopes) => app.consume(g, envelopes),
      deadLetters: deadLetterSink,
      now: () => new Date(),
    }, messages, Array.isArray(props) ? props : []);
  };
}

/** Timer trigger (`%NEXUS_SNAPSHOT_SCHEDULE%`): time-based snapshots. */
export async function snapshotTimer(): Promise<{ snapshotted: number }> {
  return { snapshotted: await app.snapshots() };
}

/**
 * Timer trigger (`%NEXUS_SAGA_TIMEOUT_SCHEDULE%`, every minute): fires every due saga timeout. A
 * failed instance makes it throw (the invocation is logged as failed); the timeout stays due in
 * the index, so the next tick tries it again.
 */
export async function sagaTimeoutTimer(): Promise<{ fired: number }> {
  return { fired: await app.sagaTimeouts() };
}

/** What azure-functions-app.ts registers. */
export const handlers: NexusFunctionHandlers = {
  http: httpTrigger,
  changeFeed,
  eventHub,
  snapshots: snapshotTimer,
  sagaTimeouts: sagaTimeoutTimer,
};
