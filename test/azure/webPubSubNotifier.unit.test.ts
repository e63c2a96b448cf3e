/**
 * WebPubSubNotifier at the SDK boundary: the real WebPubSubServiceClient over recorded Web PubSub
 * REST shapes (HEAD /api/hubs/{hub}/groups/{group} 200/404, POST .../groups/{group}/:send 202,
 * 429 with Retry-After, 413). No local Web PubSub server exists.
 */
import assert from 'node:assert/strict';
import { WebPubSubServiceClient } from '@azure/web-pubsub';
import { WebPubSubNotifier, groupOf } from '../../runtime/adapters/azure/WebPubSubNotifier';
import { isInvalidArgumentError, isUnavailableError, type Notification } from '../../runtime/ports';
import { RecordedHttp, testCredential } from './support/recordedHttp';

const note = (channel = 'stream:Order-42'): Notification => ({ tenant: 'acme', channel, type: 'OrderPlaced', payload: { orderId: '42', total: 9.5 }, sentAt: '2026-11-28T10:00:00.000Z' });

function setup(members: Set<string>): { http: RecordedHttp; notifier: WebPubSubNotifier } {
  const http = new RecordedHttp()
    .on('HEAD', /^\/api\/hubs\/nexus\/groups\/([^/]+)$/, (_r, m) => ({ status: members.has(m[1]!) ? 200 : 404 }))
    .on('POST', /^\/api\/hubs\/nexus\/groups\/([^/]+)\/:send$/, () => ({ status: 202 }));
  const client = new WebPubSubServiceClient('https://nexus-test.webpubsub.azure.com', testCredential, 'nexus', { httpClient: http, retryOptions: { maxRetries: 0 } });
  return { http, notifier: new WebPubSubNotifier({ client }) };
}

describe('WebPubSubNotifier (SDK boundary, recorded Web PubSub REST shapes)', () => {
  it('sends the notification as JSON to the (tenant, channel) group and reports it reached the group', async () => {
    const group = groupOf('acme', 'stream:Order-42');
    const { http, notifier } = setup(new Set([group]));
    assert.equal(await notifier.publish(note()), 1);
    const send = http.seen.find((s) => s.method === 'POST');
    assert.ok(send, 'a send request');
    assert.equal(send.path, `/api/hubs/nexus/groups/${group}/:send`);
    assert.match(send.headers['content-type'] ?? '', /application\/json/);
    assert.equal(send.headers['authorization'], 'Bearer recorded-token');
    assert.deepEqual(send.body, { type: 'OrderPlaced', channel: 'stream:Order-42', payload: { orderId: '42', total: 9.5 }, sentAt: '2026-11-28T10:00:00.000Z' });
  });

  it('sends nothing and reports 0 when the group has no connection; tenants never share a group', async () => {
    const { http, notifier } = setup(new Set([groupOf('other', 'stream:Order-42')]));
    assert.equal(await notifier.publish(note()), 0);
    assert.equal(http.seen.filter((s) => s.method === 'POST').length, 0);
    assert.notEqual(groupOf('acme', 'x~y'), groupOf('acme~x', 'y'));
  });

  it('429 + Retry-After → UnavailableError with retryAfterMs; 413 → InvalidArgumentError(payload)', async () => {
    const { http, notifier } = setup(new Set([groupOf('acme', 'stream:Order-42')]));
    http.on('POST', /\/:send$/, () => ({ status: 429, headers: { 'retry-after': '3' }, body: { code: 'TooManyRequests', message: 'Too many requests' } }));
    let caught: unknown;
    await notifier.publish(note()).catch((e: unknown) => (caught = e));
    assert.ok(isUnavailableError(caught), `expected UnavailableError, got ${String(caught)}`);
    assert.equal((caught).retryAfterMs, 3000);
    http.on('POST', /\/:send$/, () => ({ status: 413, body: { code: 'PayloadTooLarge', message: 'Message too large' } }));
    caught = undefined;
    await notifier.publish(note()).catch((e: unknown) => (caught = e));
    assert.ok(isInvalidArgumentError(caught) && caught.field === 'payload', `expected InvalidArgumentError(payload), got ${String(caught)}`);
  });
});
