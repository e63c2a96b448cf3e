/** The OpenTelemetry SDK side of observability for runtime processes (exporters, /metrics, trace buffer, logs). */
export * from './telemetry';
export * from './TraceBuffer';
export * from './PrometheusReader';
export * from './logger';
