/**
 * Shared plumbing for the AWS test-server harnesses (test/servers/{dynamodb,kinesalite,sqs}.ts):
 * pick a free port, spawn the server detached in its own process group, wait until it answers
 * HTTP, and kill the whole group on stop so no orphan JVM or node process survives a test run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';

export interface RunningServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves true once an HTTP request to the port gets any answer (any status). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end('{}');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Spawns `command args` detached, waits up to `startTimeoutMs` for it to answer on `port`. */
export async function startProcessServer(
  name: string, command: string, args: readonly string[], port: number, startTimeoutMs = 30_000, cwd?: string, onStop?: () => void,
): Promise<RunningServer> {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const deadline = Date.now() + startTimeoutMs;
  while (!(await answers(port))) {
    if (exited) throw new Error(`${name} exited before answering on port ${port}: ${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`${name} did not answer on port ${port} within ${startTimeoutMs} ms: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
      onStop?.();
    },
  };
}

/** Prints the loud skip notice the BRIEF requires. */
export function loudSkip(what: string, reason: string): void {
  console.warn(`\n*** SKIPPED: ${reason}: ${what} not run ***\n`);
}
