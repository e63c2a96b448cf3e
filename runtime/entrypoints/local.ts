/**
 * Local entry point: the same NexusApp over a plain node:http server, with the manifest from
 * NEXUS_MANIFEST or, when unset, the embedded local stack (SQLite files under .nexus/).
 * (`npm start` is runtime/main.ts, which also runs the read side in-process.)
 */
import * as http from 'node:http';
import { localManifest } from '../manifest';
import { NexusApp, authFrom } from './app';

const env = process.env;
const auth = authFrom(env);
export const app = new NexusApp({
  manifestJson: env.NEXUS_MANIFEST ?? JSON.stringify(localManifest(env.NEXUS_DIR ?? '.nexus')),
  secrets: { NEXUS_JWT_SECRET: env.NEXUS_JWT_SECRET },
  ...(auth ? { auth } : {}),
});

export function createServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      app.http({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string>, ...(body ? { body } : {}) })
        .then((out) => res.writeHead(out.statusCode, out.headers).end(out.body))
        .catch((err: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message })));
    });
  });
}

if (require.main === module) {
  createServer().listen(Number(env.PORT ?? 3000), '127.0.0.1');
}
