/**
 * ApiGatewayWebSocketNotifier: the connections table on DynamoDB Local (real server), the
 * PostToConnection calls at the SDK boundary (aws-sdk-client-mock; no local API Gateway exists)
 * with the documented GoneException (410) and LimitExceededException (429) answers.
 */
import assert from 'node:assert/strict';
import {
  ApiGatewayManagementApiClient, GoneException, LimitExceededException, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import { ApiGatewayWebSocketNotifier } from '../../runtime/adapters/aws/ApiGatewayWebSocketNotifier';
import { isUnavailableError, isInvalidArgumentError } from '../../runtime/ports';
import { useDynamoDbLocal } from './support/dynamoFixture';

describe('ApiGatewayWebSocketNotifier (connections on DynamoDB Local, posts at the SDK boundary)', function () {
  this.timeout(60_000);
  const ddb = useDynamoDbLocal('ApiGatewayWebSocketNotifier int test (test/aws/apiGatewayNotifier.int.test.ts)');

  async function setup() {
    const { connectionsTable } = await ddb.freshTables(true);
    const management = new ApiGatewayManagementApiClient({ region: 'us-east-1', endpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const mock = mockClient(management);
    const notifier = new ApiGatewayWebSocketNotifier({ dynamodb: ddb.client(), table: connectionsTable!, management });
    return { mock, notifier };
  }
  const note = (tenant: string, channel: string) => ({ tenant, channel, type: 'OrderPlaced', payload: { orderId: 'o-1' }, sentAt: '2026-11-28T09:00:00.000Z' });

  it('posts the notification frame to the subscribers of (tenant, channel) only', async () => {
    const { mock, notifier } = await setup();
    mock.on(PostToConnectionCommand).resolves({});
    await notifier.subscribe('conn-a', 't1', 'stream:Order-1');
    await notifier.subscribe('conn-b', 't1', 'stream:Order-1');
    await notifier.subscribe('conn-c', 't2', 'stream:Order-1');
    await notifier.subscribe('conn-d', 't1', 'projection:orderSummary');
    assert.equal(await notifier.publish(note('t1', 'stream:Order-1')), 2);
    const calls = mock.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input);
    assert.deepEqual(calls.map((c) => c.ConnectionId).sort(), ['conn-a', 'conn-b']);
    assert.deepEqual(JSON.parse(Buffer.from(calls[0]!.Data as Uint8Array).toString()), {
      type: 'notification', channel: 'stream:Order-1', event: 'OrderPlaced', payload: { orderId: 'o-1' }, sentAt: '2026-11-28T09:00:00.000Z',
    });
  });

  it('GoneException (410): the connection is removed from every channel and not counted as reached', async () => {
    const { mock, notifier } = await setup();
    mock.on(PostToConnectionCommand, { ConnectionId: 'gone' }).rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));
    mock.on(PostToConnectionCommand, { ConnectionId: 'live' }).resolves({});
    await notifier.subscribe('gone', 't1', 'stream:Order-2');
    await notifier.subscribe('gone', 't1', 'projection:orderSummary');
    await notifier.subscribe('live', 't1', 'stream:Order-2');
    assert.equal(await notifier.publish(note('t1', 'stream:Order-2')), 1);
    mock.resetHistory();
    assert.equal(await notifier.publish(note('t1', 'projection:orderSummary')), 0, 'its other subscriptions were removed too');
    assert.equal(mock.commandCalls(PostToConnectionCommand).length, 0);
  });

  it('unsubscribe and disconnect remove subscriptions; bad channels and throttling map to port errors', async () => {
    const { mock, notifier } = await setup();
    mock.on(PostToConnectionCommand).resolves({});
    await notifier.subscribe('c1', 't1', 'stream:Order-3');
    await notifier.subscribe('c2', 't1', 'stream:Order-3');
    await notifier.unsubscribe('c1', 't1', 'stream:Order-3');
    assert.equal(await notifier.publish(note('t1', 'stream:Order-3')), 1);
    await notifier.disconnect('c2');
    assert.equal(await notifier.publish(note('t1', 'stream:Order-3')), 0);
    await assert.rejects(notifier.subscribe('c3', 't1', 'orders'), isInvalidArgumentError);
    await notifier.subscribe('c4', 't1', 'stream:Order-4');
    mock.on(PostToConnectionCommand).rejects(new LimitExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    await assert.rejects(notifier.publish(note('t1', 'stream:Order-4')), (e: unknown) => isUnavailableError(e) && e.retryable);
  });
});
