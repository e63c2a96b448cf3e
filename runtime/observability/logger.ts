/**
 * Structured JSON logs (pino) for a runtime process: one line per record with `service`,
 * `stack` and `cloud`, and — on lines the core writes about a command or an event — tenant,
 * correlationId, causationId and traceId (runtime/core/observability/log.ts), so logs, traces
 * and events join on the same ids in CloudWatch, Cloud Logging or Azure Monitor.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { NexusManifest } from '../manifest';

export function createLogger(manifest: NexusManifest, options: LoggerOptions = {}): Logger {
  return pino({
    level: 'info',
    base: { service: 'nexus-runtime', stack: manifest.stack, cloud: manifest.cloud },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...options,
  });
}
