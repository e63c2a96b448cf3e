/**
 * The OpenTelemetry SDK for a Nexus runtime process (the composition-root side of
 * runtime/core/observability, which uses the API only). Always: spans into an in-memory
 * TraceBuffer and metrics into a pull PrometheusReader (the dashboard and `GET /metrics`).
 * When the manifest names `observability.otlpEndpoint`: spans and metrics also go out over
 * OTLP/HTTP (batch span processor, 15 s metric export). Each cloud's native target is reached
 * through a collector at that endpoint (docs/observability.md).
 *
 * The OpenTelemetry API has one global provider per process, so the SDK is shared: the first
 * `startTelemetry` registers it, later calls reuse it, and the last `release` unregisters it
 * (tests that start several local apps in one process keep working, and leave no provider behind).
 */
import { metrics, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NexusManifest } from '../manifest';
import { PrometheusReader } from './PrometheusReader';
import { TraceBuffer } from './TraceBuffer';

export interface TelemetryOptions {
  /** service.name; default "nexus-runtime". */
  readonly serviceName?: string;
  /** Spans kept in memory; default 10 000. */
  readonly traceBufferSize?: number;
  /** OTLP metric export interval; default 15 000 ms. */
  readonly exportIntervalMs?: number;
}

export interface Telemetry {
  readonly traces: TraceBuffer;
  readonly prometheus: PrometheusReader;
  /** The OTLP endpoint in use, if any. */
  readonly otlpEndpoint: string | undefined;
  /** Drops this holder's claim; the last one flushes and unregisters the SDK. */
  release(): Promise<void>;
}

interface Shared {
  readonly traces: TraceBuffer;
  readonly prometheus: PrometheusReader;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly otlpEndpoint: string | undefined;
  holders: number;
}

let shared: Shared | undefined;

const otlpUrl = (endpoint: string, signal: 'traces' | 'metrics'): string => `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;

function create(manifest: NexusManifest, options: TelemetryOptions): Shared {
  const endpoint = manifest.observability?.otlpEndpoint;
  const resource = resourceFromAttributes({
    'service.name': options.serviceName ?? 'nexus-runtime',
    'service.namespace': 'nexus',
    'deployment.environment.name': manifest.environment,
    'cloud.provider': manifest.cloud,
    'nexus.stack': manifest.stack,
  });
  const traces = new TraceBuffer(options.traceBufferSize ?? 10_000);
  const spanProcessors: SpanProcessor[] = [new SimpleSpanProcessor(traces)];
  if (endpoint) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpUrl(endpoint, 'traces') })));
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors });
  const prometheus = new PrometheusReader();
  const readers: MetricReader[] = [prometheus];
  if (endpoint) {
    readers.push(new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: otlpUrl(endpoint, 'metrics') }), exportIntervalMillis: options.exportIntervalMs ?? 15_000,
    }));
  }
  const meterProvider = new MeterProvider({ resource, readers });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return { traces, prometheus, tracerProvider, meterProvider, otlpEndpoint: endpoint, holders: 0 };
}

/** Registers the SDK for this process (or joins the one already registered). */
export function startTelemetry(manifest: NexusManifest, options: TelemetryOptions = {}): Telemetry {
  const s = (shared ??= create(manifest, options));
  s.holders++;
  let released = false;
  return {
    traces: s.traces,
    prometheus: s.prometheus,
    otlpEndpoint: s.otlpEndpoint,
    release: async () => {
      if (released) return;
      released = true;
      if (--s.holders > 0) return;
      if (shared === s) shared = undefined;
      trace.disable();
      metrics.disable();
      await Promise.allSettled([s.tracerProvider.shutdown(), s.meterProvider.shutdown()]);
    },
  };
}
