/**
 * Observability on the real local stack (SQLite, relay, projections, saga, notifications, HTTP):
 * one command's trace links command → append → relay → projection → notification through the
 * stored/CloudEvents traceparent, and GET /metrics exposes every metric docs/observability.md lists.
 */
import assert from 'node:assert/strict';
import { mintToken } from '../../runtime/http/auth';
import type { SpanView, TraceSummary } from '../../runtime/observability';
import { eventually, PLACE_ORDER, startApp, type Started } from './helpers';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('observability: traces and metrics on the local stack', function () {
  this.timeout(60_000);
  let s: Started;
  before(async () => {
    // A snapshot after every event, so the second command on a stream loads from one (snapshot age).
    s = await startApp({ snapshotsEveryNEvents: 1 });
  });
  after(async () => {
    await s?.close();
  });

  it('links one command to its append, relay, projection and notification spans in a single trace', async () => {
    assert.equal((await s.call('POST', '/commands/Inventory/BOOK-1', { type: 'Restock', payload: { quantity: 5 } })).status, 201);
    const res = await fetch(`${s.local.url}/commands/Order/t-1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.local.devToken}`, 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
      body: JSON.stringify(PLACE_ORDER),
    });
    assert.equal(res.status, 201, await res.text());

    const spans = await eventually(async () => {
      const r = await s.call('GET', `/traces/${TRACE_ID}`);
      if (r.status !== 200) return undefined;
      const got = (r.json() as { spans: SpanView[] }).spans;
      return got.some((x) => x.name === 'notify projection:orderSummary') && got.some((x) => x.name === 'saga OrderFulfilment') ? got : undefined;
    }, 'the trace to reach the projection notification and the saga');

    const one = (name: string, where: (x: SpanView) => boolean = () => true): SpanView => {
      const found = spans.filter((x) => x.name === name && where(x));
      assert.ok(found.length >= 1, `span "${name}" missing; spans: ${spans.map((x) => x.name).join(', ')}`);
      return found[0]!;
    };
    const command = one('command Order.PlaceOrder');
    const append = one('append', (x) => x.parentSpanId === command.spanId);
    const relay = one('relay OrderPlaced', (x) => x.parentSpanId === append.spanId);
    const projection = one('projection orderSummary', (x) => x.parentSpanId === relay.spanId);
    const notification = one('notify projection:orderSummary', (x) => x.parentSpanId === projection.spanId);
    one('load', (x) => x.parentSpanId === command.spanId);
    one('decide', (x) => x.parentSpanId === command.spanId);
    one('notify stream:Order-t-1', (x) => x.parentSpanId === relay.spanId);
    const saga = one('saga OrderFulfilment', (x) => x.parentSpanId === relay.spanId);
    // The saga's command (reserve stock) continues the same trace under the saga step.
    one('command Inventory.ReserveStock', (x) => x.parentSpanId === saga.spanId);

    assert.equal(command.parentSpanId, CALLER_SPAN, 'the command span continues the caller\'s traceparent');
    for (const x of [command, append, relay, projection, notification]) assert.equal(x.traceId, TRACE_ID);
    assert.equal(command.attributes['nexus.tenant'], 'dev');
    assert.equal(relay.attributes['nexus.event_type'], 'OrderPlaced');

    // The stored event names the append span: the store is where the trace crosses to the bus.
    const stream = (await s.call('GET', '/streams/Order-t-1')).json() as { events: Array<{ metadata?: { traceparent?: string } }> };
    const stored = (await s.local.runtime.eventStore.readStream('dev:Order-t-1'))[0]!;
    assert.equal(stored.metadata.traceparent, `00-${TRACE_ID}-${append.spanId}-01`);
    assert.ok(stream.events.length >= 1);

    const list = (await s.call('GET', '/traces')).json() as { traces: TraceSummary[] };
    assert.ok(list.traces.some((t) => t.traceId === TRACE_ID && t.root === 'command Order.PlaceOrder' && t.tenant === 'dev'));
  });

  it('serves /metrics in Prometheus text format with every listed metric', async () => {
    await s.local.snapshotter.idle();
    const paid = await s.call('POST', '/commands/Order/t-1', { type: 'ConfirmPayment', payload: { paymentId: 'p-1', amountCents: 1500 } });
    assert.equal(paid.status, 201, paid.text);
    const stale = await s.call('POST', '/commands/Order/t-1', { type: 'ConfirmPayment', payload: { paymentId: 'p-2', amountCents: 1500 }, expectedVersion: 1 });
    assert.equal(stale.status, 409, stale.text);
    await s.local.snapshotter.idle();
    // Commands are served from the handler's kept state; a read of the aggregate starts from its snapshot.
    assert.equal((await s.call('GET', '/aggregates/Order/t-1')).status, 200);
    const r = await s.call('GET', '/metrics');
    assert.equal(r.status, 200);
    const names = [
      'nexus_commands_total', 'nexus_command_duration_bucket', 'nexus_command_conflicts_total', 'nexus_retries_total',
      'nexus_append_latency_bucket', 'nexus_relay_published_total', 'nexus_relay_lag_bucket', 'nexus_projection_lag_bucket',
      'nexus_dlq_depth', 'nexus_snapshot_age_bucket', 'nexus_snapshot_trigger_latency_bucket', 'nexus_notification_latency_bucket',
    ];
    const missing = names.filter((n) => !new RegExp(`^${n}(\\{| )`, 'm').test(r.text));
    assert.deepEqual(missing, [], `missing from /metrics:\n${r.text.slice(0, 3000)}`);
    assert.match(r.text, /^nexus_commands_total\{[^}]*outcome="ok"[^}]*\} [1-9]/m);
    assert.match(r.text, /^nexus_commands_total\{[^}]*outcome="conflict"[^}]*\} 1$/m);
    assert.match(r.text, /^nexus_projection_lag_count\{[^}]*projection="orderSummary"[^}]*\} [1-9]/m);
    assert.match(r.text, /^# TYPE nexus_dlq_depth gauge/m);
  });

  it('keeps /metrics and /traces behind the admin scope and traces within the tenant', async () => {
    const anonymous = await fetch(`${s.local.url}/metrics`);
    assert.equal(anonymous.status, 401);
    const reader = await mintToken(s.local.jwtSecret, { tenant: 'dev', scopes: ['queries:read'] });
    assert.equal((await fetch(`${s.local.url}/traces`, { headers: { authorization: `Bearer ${reader}` } })).status, 403);
    const other = await mintToken(s.local.jwtSecret, { tenant: 'other', scopes: ['admin'] });
    assert.equal((await fetch(`${s.local.url}/traces/${TRACE_ID}`, { headers: { authorization: `Bearer ${other}` } })).status, 404);
  });
});
