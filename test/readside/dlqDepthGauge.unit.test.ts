/**
 * nexus.dlq.depth{group} comes from DeadLetterQueue.countByGroup (ADR 0134): one value per group
 * with dead letters, 0 for "all" when there are none, and it follows purges.
 */
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { observeDlqDepth } from '../../runtime/core/observability/readSideGauges';
import { METRIC } from '../../runtime/core/observability/telemetry';
import { PermanentError } from '../../runtime/ports/EventBus';
import { tenantMessage, waitUntil } from '../contracts/eventBusContract';

describe('nexus.dlq.depth gauge', () => {
  let provider: MeterProvider;
  let exporter: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  beforeEach(() => {
    // DELTA: a collection holds only the series observed in it (cumulative keeps stale ones).
    exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
  });
  afterEach(async () => {
    metrics.disable();
    await provider.shutdown();
  });

  const depth = async (): Promise<Record<string, number>> => {
    const { resourceMetrics } = await reader.collect();
    const gauge = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === METRIC.dlqDepth) as GaugeMetricData | undefined;
    assert.ok(gauge, `${METRIC.dlqDepth} collected`);
    return Object.fromEntries(gauge.dataPoints.map((p) => [String(p.attributes.group), p.value]));
  };

  it('reports the dead letters of each group, then 0 for all once they are purged', async () => {
    const bus = new InMemoryEventBus();
    const stop = observeDlqDepth(bus);
    try {
      for (const group of ['projection.a', 'projection.b']) {
        await bus.subscribe({ group, path: 'core', handler: async (d) => { if (group === 'projection.a' || d.message.envelope.tenant === 'acme') throw new PermanentError('no'); } });
      }
      await bus.publish([tenantMessage('acme', 'k1'), tenantMessage('acme', 'k2'), tenantMessage('globex', 'k3')]);
      await waitUntil('5 dead letters', async () => (await bus.deadLetters.count()) === 5, 3000);
      assert.deepEqual(await depth(), { 'projection.a': 3, 'projection.b': 2 });
      await bus.deadLetters.purge();
      assert.deepEqual(await depth(), { all: 0 });
    } finally {
      stop();
      await bus.close();
    }
  });
});
