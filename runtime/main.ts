/**
 * `npm start`: the whole platform on the embedded local stack (SQLite files under `.nexus/`,
 * created if missing) with the Orders example, serving the HTTP API on 127.0.0.1:8080
 * (`NEXUS_PORT` overrides the port; this file is the only place that reads the environment).
 * Prints a development token and curl lines to try it. Ctrl-C stops it cleanly.
 */
import { startLocalApp, type LocalApp } from './http/localApp';

const DEFAULT_PORT = 8080;

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`NEXUS_PORT must be an integer 0-65535, got "${raw}"`);
  return port;
}

export function banner(local: LocalApp): string {
  const base = local.url;
  const post = (path: string, body: unknown): string =>
    `  curl -s -X POST ${base}${path} -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  return [
    '',
    `Nexus local stack listening on ${base} (state in .nexus/, tenant "dev")`,
    '',
    'Development token (HS256, every scope, valid 24 h):',
    `  export TOKEN=${local.devToken}`,
    '',
    `Dashboard: ${base}/?token=${local.devToken}`,
    '',
    'Try it (the fulfilment saga reserves stock for each order, so stock the item first):',
    post('/commands/Inventory/BOOK-1', { type: 'Restock', payload: { quantity: 10 } }),
    post('/commands/Order/42', {
      type: 'PlaceOrder',
      payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK-1', name: 'A book', quantity: 1, unitPriceCents: 1500 }] },
    }),
    post('/commands/Order/42', { type: 'ConfirmPayment', payload: { paymentId: 'pay-1', amountCents: 1500 } }),
    `  curl -s ${base}/streams/Order-42 -H "Authorization: Bearer $TOKEN"`,
    `  curl -s ${base}/health`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const port = portFromEnv(process.env.NEXUS_PORT);
  let local: LocalApp;
  try {
    local = await startLocalApp({ port, logger: { level: 'warn' } });
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      console.error(`port ${port} is already in use: stop the other process or run NEXUS_PORT=<port> npm start`);
      process.exit(1);
    }
    throw err;
  }
  console.log(banner(local));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Nexus...`);
    local.close().then(() => process.exit(0), (err: unknown) => {
      console.error('shutdown failed', err);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error('Nexus failed to start:', err);
    process.exit(1);
  });
}
