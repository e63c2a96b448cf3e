/**
 * One Event Hubs trigger invocation (cardinality many) for one Nexus consumer group on one hub.
 * The Functions host checkpoints the partition once the invocation returns, failed or not (ADR
 * 0125), so nothing may escape the batch: each message is delivered in partition order, retried
 * in place, then dead-lettered to the bus's dead-letter queue (Cosmos `deadletters`, ADR 0121) —
 * the same rule as the in-process consumer (runtime/adapters/azure/eventHubsConsumer.ts).
 * Messages redriven to another group (the `nexus-redrive-group` property) are skipped.
 */
import { isPermanentError, PermanentError, type BusMessage, type BusPath, type CloudEventEnvelope } from '../ports/EventBus';
import { PROP } from '../adapters/azure/eventHubsClients';

/** Where a message goes after its last attempt (CosmosDeadLetterQueue.put's shape). */
export interface DeadLetterSink {
  put(group: string, message: BusMessage, attempts: number, error: string, at: Date): Promise<unknown>;
}

export interface BatchDeps {
  readonly group: string;
  readonly path: BusPath;
  /** Delivers one envelope to the group (NexusApp.consume). */
  readonly consume: (group: string, envelopes: readonly CloudEventEnvelope[]) => Promise<unknown>;
  /** Resolves the dead-letter sink; undefined when the bus has none (then the last error is thrown). */
  readonly deadLetters: () => Promise<DeadLetterSink | undefined>;
  readonly now: () => Date;
  /** Deliveries before a message is dead-lettered; default 5 (the bus port's default). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: (attempt: number) => number;
}

export interface BatchResult {
  readonly consumed: number;
  readonly deadLettered: number;
  readonly skipped: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const text = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A trigger message body (object, JSON text or bytes; bare envelope or Nexus wire message) → its envelope. */
export function envelopeOf(body: unknown, where: string): CloudEventEnvelope {
  let v = body;
  if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8');
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (err) {
      throw new PermanentError(`${where}: body is not JSON (${(err as Error).message})`);
    }
  }
  const wire = (typeof v === 'object' && v !== null ? v : {}) as { envelope?: unknown };
  const e = (typeof wire.envelope === 'object' && wire.envelope !== null ? wire.envelope : wire) as Partial<CloudEventEnvelope>;
  if (e.specversion !== '1.0' || typeof e.id !== 'string' || typeof e.type !== 'string') {
    throw new PermanentError(`${where}: expected a CloudEvents 1.0 envelope (specversion "1.0", id, type), got ${JSON.stringify(v)?.slice(0, 200)}`);
  }
  return e as CloudEventEnvelope;
}

interface Outcome {
  readonly attempts: number;
  readonly failed: boolean;
  readonly error?: unknown;
}

/** Delivers one envelope, retrying in place (the partition waits) until it succeeds, fails permanently or runs out of attempts. */
async function deliver(deps: BatchDeps, envelope: CloudEventEnvelope, max: number): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.consume(deps.group, [envelope]);
      return { attempts: attempt, failed: false };
    } catch (error) {
      if (isPermanentError(error) || attempt >= max) return { attempts: attempt, failed: true, error };
      await sleep(deps.retryDelayMs ? deps.retryDelayMs(attempt) : 25 * attempt);
    }
  }
}

export async function consumeBatch(deps: BatchDeps, messages: readonly unknown[], propertiesArray: readonly unknown[] = []): Promise<BatchResult> {
  const max = Math.max(1, deps.maxAttempts ?? 5);
  let consumed = 0;
  let deadLettered = 0;
  let skipped = 0;
  for (const [i, body] of messages.entries()) {
    const props = (propertiesArray[i] ?? {}) as Record<string, unknown>;
    const redriveGroup = str(props[PROP.redriveGroup]);
    if (redriveGroup !== undefined && redriveGroup !== deps.group) {
      skipped++;
      continue;
    }
    let envelope: CloudEventEnvelope | undefined;
    let outcome: Outcome;
    try {
      envelope = envelopeOf(body, `${deps.path} hub, group ${deps.group}, message ${i}`);
      outcome = await deliver(deps, envelope, max);
    } catch (error) {
      outcome = { attempts: 1, failed: true, error };
    }
    if (!outcome.failed) {
      consumed++;
      continue;
    }
    const sink = await deps.deadLetters();
    if (!sink) throw outcome.error;
    // An undecodable body is kept as the data of a stand-in envelope, so it can be inspected.
    const id = str(props[PROP.id]) ?? envelope?.id ?? `undecodable-${deps.path}-${deps.now().getTime()}-${i}`;
    const stored: CloudEventEnvelope = envelope ?? {
      specversion: '1.0', id, source: 'nexus/azure-functions', type: 'nexus.undecodable',
      data: body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : typeof body === 'string' ? body : JSON.stringify(body) ?? String(body),
    };
    const partitionKey = str(props[PROP.partitionKey]) ?? stored.subject ?? '';
    await sink.put(deps.group, { id, partitionKey, path: deps.path, envelope: stored }, outcome.attempts, text(outcome.error), deps.now());
    deadLettered++;
  }
  return { consumed, deadLettered, skipped };
}
