/**
 * The load generator of bench/http.bench.ts, run in a child process (fork) so that autocannon's
 * own work neither shares the server's event loop nor shows up in the server's CPU time. Receives
 * one LoadRequest on the IPC channel, answers with one LoadResult, then exits.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (o: AutocannonOptions, cb: (err: Error | null, res: AutocannonResult) => void) => unknown;

export interface LoadRequest {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** Fixed request rate over all connections. */
  readonly rate: number;
  /** POST these, each to `${pathPrefix}${n}` (n = 1, 2, ...); absent: GET url. */
  readonly post?: { readonly pathPrefix: string; readonly body: string; readonly headers: Record<string, string> };
}

export interface LoadResult {
  /** Requests per second, averaged over the run. */
  readonly average: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonRequest { method?: string; path?: string; headers?: Record<string, string>; body?: string; setupRequest?: (req: AutocannonRequest) => AutocannonRequest }
interface AutocannonOptions { url: string; connections?: number; duration?: number; overallRate?: number; requests?: AutocannonRequest[] }
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

function run(req: LoadRequest): Promise<LoadResult> {
  let n = 0;
  const post = req.post;
  const requests = post
    ? [{ method: 'POST', headers: post.headers, body: post.body, setupRequest: (r: AutocannonRequest) => ({ ...r, path: `${post.pathPrefix}${++n}` }) }]
    : undefined;
  return new Promise((resolve, reject) => {
    autocannon({ url: req.url, connections: req.connections, duration: req.seconds, overallRate: req.rate, requests }, (err, r) => {
      if (err) reject(err);
      else {
        resolve({
          average: r.requests.average, total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
          p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max,
        });
      }
    });
  });
}

if (require.main === module) {
  process.once('message', (req: LoadRequest) => {
    run(req).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (err: unknown) => process.send!({ error: err instanceof Error ? err.message : String(err) }, () => process.exit(1)),
    );
  });
}
