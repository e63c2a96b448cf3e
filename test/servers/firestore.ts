/**
 * Google Cloud emulator harness (Firestore here, Pub/Sub in ./pubsub.ts): finds the emulator
 * shipped with the google-cloud-cli Debian package, starts it detached in its own process group
 * on a free port (it forks java), waits until it answers HTTP, and kills the whole group on stop.
 * When the emulator is absent (Debian 13 images), `useEmulator` prints a loud notice naming the
 * suite that is not run and skips it — never a silent pass.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, get } from 'node:http';

export const FIRESTORE_EMULATOR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';

export interface RunningEmulator {
  readonly name: string;
  /** host:port, as the SDKs' `host` / `apiEndpoint` options want it. */
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

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

/** Both emulators answer "Ok" to GET / once they accept requests. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is already gone */
  }
}

/** Every emulator group still running, killed on process exit as a safety net (mocha --exit). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export async function startEmulator(name: string, command: string, args: (port: number) => string[], timeoutMs = 90_000): Promise<RunningEmulator> {
  const port = await freePort();
  const child = spawn(command, args(port), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(port))) {
    if (exited) throw new Error(`${name} exited before answering on port ${port}: ${output}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`${name} did not answer on port ${port} within ${timeoutMs} ms: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    name,
    host: `127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export function firestoreEmulatorUnavailable(): string | undefined {
  if (!existsSync(FIRESTORE_EMULATOR)) return `Firestore emulator not found at ${FIRESTORE_EMULATOR} (google-cloud-cli is not installed on this image)`;
  return undefined;
}

export function startFirestoreEmulator(): Promise<RunningEmulator> {
  return startEmulator('Firestore emulator', FIRESTORE_EMULATOR, (port) => ['start', '--host=127.0.0.1', `--port=${port}`]);
}

/**
 * Mocha helper: starts the emulator in `before` (or prints the loud skip notice and skips the
 * suite when it is absent) and stops it in `after`. Returns a getter for the running emulator.
 */
export function useEmulator(
  suite: string,
  unavailable: () => string | undefined,
  start: () => Promise<RunningEmulator>,
): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  before(async function () {
    const reason = unavailable();
    if (reason) {
      console.warn(`\n*** SKIPPED: ${reason}: ${suite} not run ***\n`);
      this.skip();
    }
    this.timeout(120_000);
    emulator = await start();
  });
  after(async function () {
    this.timeout(30_000);
    await emulator?.stop();
  });
  return () => {
    if (!emulator) throw new Error(`${suite}: the emulator is not running`);
    return emulator;
  };
}

export function useFirestoreEmulator(suite: string): () => RunningEmulator {
  return useEmulator(suite, firestoreEmulatorUnavailable, startFirestoreEmulator);
}
