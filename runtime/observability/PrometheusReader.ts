/**
 * Pull-mode metrics for `GET /metrics`: a MetricReader collected on demand and rendered in the
 * Prometheus text exposition format by the OpenTelemetry Prometheus exporter's serializer (the
 * library's own rendering: names sanitized, `_total` on counters, unit suffixes, histograms as
 * `_bucket`/`_sum`/`_count`), without the exporter's own HTTP server.
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';

export class PrometheusReader extends MetricReader {
  private readonly serializer = new PrometheusSerializer();

  constructor() {
    // Prometheus expects cumulative counters and histograms.
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }

  /** The current metrics as Prometheus text (content type `text/plain; version=0.0.4`). */
  async render(): Promise<string> {
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) throw new AggregateError(errors, `metrics collection failed: ${errors.map((e) => String(e)).join('; ')}`);
    return this.serializer.serialize(resourceMetrics);
  }

  protected async onForceFlush(): Promise<void> {
    // Pull reader: nothing to flush.
  }

  protected async onShutdown(): Promise<void> {
    // Pull reader: nothing to release.
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
