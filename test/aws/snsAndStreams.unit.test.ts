/**
 * SDK-boundary tests for the parts no local server covers: SNS PublishBatch (local-aws-sqs has no
 * SNS) with its documented partial-failure and throttling answers, and the DynamoDB Streams
 * relay's reading of a Lambda DynamoDB Streams event (record shape from the Lambda docs).
 */
import assert from 'node:assert/strict';
import { PublishBatchCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsTopicPublisher } from '../../runtime/adapters/aws/snsPublisher';
import { storedEventsOf, type DynamoDbStreamsEvent } from '../../runtime/adapters/aws/DynamoDbStreamsRelay';
import { isUnavailableError } from '../../runtime/ports';

const topic = 'arn:aws:sns:eu-west-1:123456789012:nexus-noncritical';
const bodies = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m-${i}`, body: JSON.stringify({ id: `m-${i}` }) }));

describe('SnsTopicPublisher (SDK boundary)', () => {
  it('publishes in batches of 10 to the topic, resending only the entries SNS failed', async () => {
    const sns = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const mock = mockClient(sns);
    mock.on(PublishBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false, Message: 'internal' }] })
      .resolves({ Successful: [], Failed: [] });
    await new SnsTopicPublisher(sns, topic).publish(bodies(12));
    const calls = mock.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
    assert.equal(calls[0]!.TopicArn, topic);
    assert.equal(calls[0]!.PublishBatchRequestEntries!.length, 10);
    assert.deepEqual(calls[1]!.PublishBatchRequestEntries!.map((e) => JSON.parse(e.Message!) as unknown), [{ id: 'm-3' }], 'only the failed entry is resent');
    assert.equal(calls[2]!.PublishBatchRequestEntries!.length, 2);
  });

  it('persistent throttling becomes UnavailableError; a sender fault is not retried', async () => {
    const sns = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const mock = mockClient(sns);
    mock.on(PublishBatchCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    await assert.rejects(new SnsTopicPublisher(sns, topic, 2).publish(bodies(1)), isUnavailableError);
    mock.reset();
    mock.on(PublishBatchCommand).resolves({ Failed: [{ Id: '0', Code: 'InvalidParameter', SenderFault: true, Message: 'Invalid parameter: Message too long' }] });
    await assert.rejects(new SnsTopicPublisher(sns, topic).publish(bodies(1)), /Message too long/);
    assert.equal(mock.commandCalls(PublishBatchCommand).length, 1);
  });
});

describe('DynamoDbStreamsRelay: reading a Lambda DynamoDB Streams event', () => {
  const image = (stream: string, version: number, id: string) => ({
    pk: { S: stream }, sk: { S: id }, v: { N: String(version) }, lp: { S: '0' }, ls: { N: String(version + 10) }, t: { S: 'OrderPlaced' },
    sv: { N: '1' }, d: { S: '{"n":1}' }, m: { S: '{"tenant":"t1"}' }, at: { S: '2026-11-28T09:00:00.000Z' },
  });
  it('keeps event-item INSERTs only (not stream heads, log counters, MODIFY/REMOVE), sorted by stream and version', () => {
    const event: DynamoDbStreamsEvent = {
      Records: [
        { eventName: 'INSERT', dynamodb: { NewImage: image('t1:Order-2', 2, 'b2'), SequenceNumber: '3' } },
        { eventName: 'MODIFY', dynamodb: { NewImage: { pk: { S: 't1:Order-2' }, sk: { S: '$head' }, hv: { N: '2' } }, SequenceNumber: '4' } },
        { eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: '$log#0' }, sk: { S: '$head' }, seq: { N: '12' } }, SequenceNumber: '5' } },
        { eventName: 'INSERT', dynamodb: { NewImage: image('t1:Order-2', 1, 'b1'), SequenceNumber: '2' } },
        { eventName: 'INSERT', dynamodb: { NewImage: image('t1:Order-1', 1, 'a1'), SequenceNumber: '1' } },
        { eventName: 'REMOVE', dynamodb: { SequenceNumber: '6' } },
      ],
    };
    const events = storedEventsOf(event);
    assert.deepEqual(events.map((e) => `${e.streamId}@${e.version}`), ['t1:Order-1@1', 't1:Order-2@1', 't1:Order-2@2']);
    assert.deepEqual(events[0], {
      streamId: 't1:Order-1', version: 1, eventId: 'a1', type: 'OrderPlaced', schemaVersion: 1, data: { n: 1 }, metadata: { tenant: 't1' },
      position: '0000000000000011', recordedAt: '2026-11-28T09:00:00.000Z',
    });
  });
});
