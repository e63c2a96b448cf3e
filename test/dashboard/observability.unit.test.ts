/**
 * Core observability without servers: traceparent parsing, span propagation through the relay
 * core onto the bus envelope (with and without a registered SDK), the trace ring buffer, command
 * outcome classification and the clouds-view plan cache.
 */
import assert from 'node:assert/strict';
import { TraceFlags } from '@opentelemetry/api';
import { ConcurrencyError } from '../../runtime/ports/EventStore';
import { InvalidArgumentError } from '../../runtime/ports/errors';
import type { BusMessage, EventBus } from '../../runtime/ports/EventBus';
import type { StoredEvent } from '../../runtime/ports/events';
import { commandOutcome, formatTraceparent, parseTraceparent, startEventSpan, SpanKind, endSpan } from '../../runtime/core/observability';
import { relayBatch } from '../../runtime/core/relay';
import { startTelemetry, type Telemetry } from '../../runtime/observability';
import { localManifest } from '../../runtime/manifest';
import { CloudPlans } from '../../runtime/http/dashboard/cloudPlans';
import type { CloudPlanView } from '../../runtime/http/dashboard/planView';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const event = (traceparent?: string): StoredEvent => ({
  eventId: 'e-1', type: 'OrderPlaced', streamId: 't1:Order-1', version: 1, schemaVersion: 1, data: { orderId: '1' },
  metadata: { tenant: 't1', correlationId: 'c-1', ...(traceparent ? { traceparent } : {}) }, position: '1', recordedAt: new Date().toISOString(),
});

/** A bus that only records what it was asked to publish (the relay core is what is under test). */
function recordingBus(): EventBus & { published: BusMessage[] } {
  const published: BusMessage[] = [];
  return { published, publish: async (m: readonly BusMessage[]) => void published.push(...m) } as unknown as EventBus & { published: BusMessage[] };
}

describe('observability (core, unit)', () => {
  describe('traceparent', () => {
    it('round-trips a W3C traceparent', () => {
      const sc = parseTraceparent(TP);
      assert.deepEqual(sc, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true });
      assert.equal(formatTraceparent(sc), TP);
    });
    it('rejects malformed and all-zero ids', () => {
      for (const bad of [undefined, '', 'nope', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7']) {
        assert.equal(parseTraceparent(bad), undefined, String(bad));
      }
    });
  });

  describe('without an SDK', () => {
    it('carries an incoming traceparent through the relay unchanged, and adds none when absent', async () => {
      const bus = recordingBus();
      await relayBatch([event(TP), { ...event(), eventId: 'e-2' }], { bus, routing: { noncritical: [] } });
      assert.equal((bus.published[0]!.envelope).traceparent, TP);
      assert.equal((bus.published[1]!.envelope).traceparent, undefined);
    });
  });

  describe('with the SDK registered', () => {
    let telemetry: Telemetry;
    before(() => {
      telemetry = startTelemetry(localManifest('.nexus-unused'), { traceBufferSize: 100 });
      telemetry.traces.clear();
    });
    after(async () => {
      await telemetry.release();
    });

    it('starts one relay span per event under the stored traceparent and names it in the envelope', async () => {
      const bus = recordingBus();
      await relayBatch([event(TP)], { bus, routing: { noncritical: [] } });
      const [relay] = telemetry.traces.trace('4bf92f3577b34da6a3ce929d0e0e4736');
      assert.ok(relay);
      assert.equal(relay.name, 'relay OrderPlaced');
      assert.equal(relay.parentSpanId, '00f067aa0ba902b7');
      assert.equal(relay.attributes['nexus.tenant'], 't1');
      assert.equal((bus.published[0]!.envelope).traceparent, `00-4bf92f3577b34da6a3ce929d0e0e4736-${relay.spanId}-01`);
    });

    it('marks a failed publish on the span', async () => {
      const bus = { publish: async () => { throw new InvalidArgumentError('x', 'refused'); } } as unknown as EventBus;
      await assert.rejects(relayBatch([event(TP)], { bus, routing: { noncritical: [] }, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, unknownErrors: 'permanent' } }));
      const failed = telemetry.traces.trace('4bf92f3577b34da6a3ce929d0e0e4736').filter((s) => s.status === 'error');
      assert.equal(failed.length, 1);
    });

    it('keeps the newest spans in a bounded ring and filters traces by tenant', () => {
      telemetry.traces.clear();
      for (let i = 0; i < 120; i++) endSpan(startEventSpan(`s${i}`, { ...event(), metadata: { tenant: i % 2 ? 'odd' : 'even' } }, SpanKind.INTERNAL).span);
      const spans = telemetry.traces.spans();
      assert.equal(spans.length, 100);
      assert.equal(spans[0]!.name, 's20');
      const odd = telemetry.traces.traces({ tenant: 'odd', limit: 1000 });
      assert.equal(odd.length, 50);
      assert.ok(odd.every((t) => t.tenant === 'odd' && t.spans === 1));
    });
  });

  it('classifies command failures for nexus.commands', () => {
    assert.equal(commandOutcome(new ConcurrencyError('t:Order-1', 1, 2)), 'conflict');
    assert.equal(commandOutcome(new InvalidArgumentError('payload.x', 'is required')), 'rejected');
    assert.equal(commandOutcome(new Error('socket hang up')), 'error');
  });

  it('plans each cloud once, lazily, and retries only failed ones', async () => {
    const calls: string[] = [];
    let failAzure = true;
    const plans = new CloudPlans('/nowhere', ['aws-prod', 'azure-prod'], async (stack) => {
      calls.push(stack);
      if (stack === 'azure-prod' && failAzure) throw new Error('azure: boom');
      return { stack } as unknown as CloudPlanView;
    });
    assert.deepEqual(plans.snapshot().map((s) => s.status), ['planning', 'planning']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(plans.snapshot().map((s) => s.status), ['ready', 'failed']);
    failAzure = false;
    plans.retryFailed();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(plans.snapshot().map((s) => s.status), ['ready', 'ready']);
    assert.deepEqual(calls, ['aws-prod', 'azure-prod', 'azure-prod']);
  });
});
