/** Core observability on the OpenTelemetry API: spans, metrics, trace propagation, flow log fields. */
export * from './telemetry';
export * from './traceContext';
export * from './log';
export * from './readSideGauges';
export * from './eventSpans';
