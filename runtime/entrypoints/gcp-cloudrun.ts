/**
 * Cloud Run entry point: one HTTP server on $PORT. `/_nexus/relay` (Eventarc Firestore trigger),
 * `/_nexus/snapshots` and `/_nexus/saga-timeouts` (Cloud Scheduler) and `/_nexus/consume`
 * (Pub/Sub push; the group comes from the push's subscription via manifest.bus.subscriptions)
 * call the shared NexusApp; every other path is the API. The internal paths must be reachable only by the
 * trigger identities (Cloud Run invoker IAM), which the GCP provider grants.
 */
import * as http from 'node:http';
import type { CloudEventEnvelope } from '../ports';
import type { NexusManifest } from '../manifest';
import { NexusApp, authFrom, manifestJsonFrom } from './app';
import { pathAllowed } from './cloudRunRoles';

const env = process.env;
const auth = authFrom(env);
export const app = new NexusApp({ manifestJson: manifestJsonFrom(env), secrets: { NEXUS_JWT_SECRET: env.NEXUS_JWT_SECRET }, ...(auth ? { auth } : {}) });

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
  });
}

interface PushBody {
  readonly message?: { readonly data?: string };
  /** "projects/<p>/subscriptions/<id>" */
  readonly subscription?: string;
}

/** A Pub/Sub push body → the CloudEvent envelope it carries (bare, or inside a Nexus wire message). */
export function envelopeFromPush(body: string): CloudEventEnvelope {
  const push = JSON.parse(body) as PushBody;
  const data = JSON.parse(Buffer.from(push.message?.data ?? '', 'base64').toString('utf8')) as { envelope?: CloudEventEnvelope } & CloudEventEnvelope;
  return data.envelope ?? data;
}

/** The consumer group a push belongs to: its subscription, looked up in the manifest's bus.subscriptions. */
export function groupFromPush(body: string, manifest: NexusManifest): string {
  const sub = ((JSON.parse(body) as PushBody).subscription ?? '').split('/').pop() ?? '';
  if (manifest.bus.kind === 'pubsub') {
    for (const [group, s] of Object.entries(manifest.bus.subscriptions)) {
      if ([s.core, s.noncritical].some((x) => x !== undefined && x.split('/').pop() === sub)) return group;
    }
  }
  throw new Error(`push from subscription "${sub}" matches no consumer group in manifest.bus.subscriptions`);
}

export async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (!pathAllowed(env.NEXUS_ROLE, req.url ?? '/')) {
    return json(404, { code: 'NOT_FOUND', message: `${req.url ?? '/'} is not served by the ${env.NEXUS_ROLE ?? ''} service` });
  }
  try {
    if (req.method === 'POST' && req.url === '/_nexus/relay') return json(200, { published: await app.relay() });
    if (req.method === 'POST' && req.url === '/_nexus/snapshots') return json(200, { snapshotted: await app.snapshots() });
    // A failed instance answers 500: Cloud Scheduler retries the job; the timeout stays due for the next run anyway.
    if (req.method === 'POST' && req.url === '/_nexus/saga-timeouts') return json(200, { fired: await app.sagaTimeouts() });
    if (req.method === 'POST' && req.url === '/_nexus/consume') {
      return json(200, { handled: await app.consume(groupFromPush(body, app.manifest), [envelopeFromPush(body)]) });
    }
    const out = await app.http({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string>, ...(body ? { body } : {}) });
    res.writeHead(out.statusCode, out.headers).end(out.body);
  } catch (err) {
    // Non-2xx makes Pub/Sub/Eventarc redeliver (and eventually dead-letter) and Cloud Scheduler retry.
    // Those services log the status only, so the cause goes to Cloud Logging here (JSON line, severity).
    console.error(JSON.stringify({ severity: 'ERROR', message: `${req.method ?? ''} ${req.url ?? ''}: ${(err as Error).message}` }));
    json(500, { error: (err as Error).message });
  }
}

export function createServer(): http.Server {
  return http.createServer((req, res) => void handle(req, res));
}

if (require.main === module) {
  createServer().listen(Number(env.PORT ?? 8080), '0.0.0.0');
}
