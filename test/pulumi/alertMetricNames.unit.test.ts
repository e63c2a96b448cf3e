/**
 * The cloud alerts on runtime metrics watch the names the runtime really emits (a renamed
 * instrument must fail here, not silently stop an alarm from ever firing).
 */
import assert from 'node:assert/strict';
import { METRIC } from '../../runtime/core/observability/telemetry';
import { CUSTOM_METRICS } from '../../providers/azure/observabilitySignals';
import { RELAY_LAG_METRIC } from '../../providers/gcp/observabilitySignals';

describe('alert metric names match the runtime instruments', () => {
  it('azure: Application Insights custom metrics are the instrument names', () => {
    assert.equal(CUSTOM_METRICS.deadLetters, METRIC.dlqDepth);
    assert.equal(CUSTOM_METRICS.relayLag, METRIC.relayLag);
    assert.equal(CUSTOM_METRICS.consumerLag, METRIC.projectionLag);
  });
  it('gcp: the relay-lag alert reads the OpenTelemetry workload metric', () => {
    assert.equal(RELAY_LAG_METRIC, `workload.googleapis.com/${METRIC.relayLag}`);
  });
});
