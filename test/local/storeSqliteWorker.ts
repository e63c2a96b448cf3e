/**
 * Worker-thread side of the SQLite real-parallelism test (storeSqliteParallel.unit.test.ts):
 * its own SqliteEventStore connection on the shared file, driven by messages from the test.
 * "race": block on a shared barrier, then append once at the given expected version.
 * "land": append `count` events, reloading the version and retrying on conflict.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { isConcurrencyError, isRetryable, type ExpectedVersion } from '../../runtime/ports';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';

export interface WorkerInput {
  readonly path: string;
  readonly streamId: string;
  readonly writer: number;
  /** Int32Array over a SharedArrayBuffer: [0] = round released by the test. */
  readonly barrier: SharedArrayBuffer;
}
export type WorkerRequest = { kind: 'race'; round: number; expected: ExpectedVersion } | { kind: 'land'; count: number } | { kind: 'close' };
export interface ErrorInfo {
  readonly code: string | undefined;
  readonly name: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly expected?: ExpectedVersion;
  readonly actual?: number;
}
export type WorkerReply =
  | { kind: 'ready'; round: number }
  | { kind: 'raced'; round: number; nextVersion?: number; error?: ErrorInfo }
  | { kind: 'landed'; versions: number[]; conflicts: number; retried: number; errors: ErrorInfo[] }
  | { kind: 'closed' };

const input = workerData as WorkerInput;
const port = parentPort!;
const store = new SqliteEventStore({ path: input.path });
const barrier = new Int32Array(input.barrier);

function info(err: unknown): ErrorInfo {
  const e = err as { code?: string; name?: string; message?: string; expected?: ExpectedVersion; actual?: number };
  return { code: e.code, name: e.name ?? 'unknown', message: e.message ?? String(err), retryable: isRetryable(err), expected: e.expected, actual: e.actual };
}

function event(data: Record<string, unknown>) {
  return { eventId: randomUUID(), type: 'Parallel', schemaVersion: 1, data: { writer: input.writer, ...data } };
}

async function race(round: number, expected: ExpectedVersion): Promise<WorkerReply> {
  port.postMessage({ kind: 'ready', round } satisfies WorkerReply);
  while (Atomics.load(barrier, 0) < round) Atomics.wait(barrier, 0, round - 1, 50);
  try {
    const r = await store.append(input.streamId, [event({ round })], expected);
    return { kind: 'raced', round, nextVersion: r.nextVersion };
  } catch (err) {
    return { kind: 'raced', round, error: info(err) };
  }
}

async function land(count: number): Promise<WorkerReply> {
  const versions: number[] = [];
  const errors: ErrorInfo[] = [];
  let conflicts = 0;
  let retried = 0;
  for (let i = 0; i < count; i++) {
    const e = event({ i });
    for (;;) {
      const { version } = await store.streamInfo(input.streamId);
      try {
        versions.push((await store.append(input.streamId, [e], version)).nextVersion);
        break;
      } catch (err) {
        if (isConcurrencyError(err) && err.expected === version && err.actual > version) conflicts++;
        else if (!isConcurrencyError(err) && isRetryable(err)) retried++;
        else {
          errors.push(info(err));
          return { kind: 'landed', versions, conflicts, retried, errors };
        }
      }
    }
  }
  return { kind: 'landed', versions, conflicts, retried, errors };
}

port.on('message', (req: WorkerRequest) => {
  void (async () => {
    if (req.kind === 'race') port.postMessage(await race(req.round, req.expected));
    else if (req.kind === 'land') port.postMessage(await land(req.count));
    else {
      await store.close();
      port.postMessage({ kind: 'closed' } satisfies WorkerReply);
    }
  })();
});
