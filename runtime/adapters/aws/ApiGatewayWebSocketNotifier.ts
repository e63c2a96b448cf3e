/**
 * Notifier on API Gateway WebSocket APIs. Subscriptions live in the DynamoDB connections table:
 * one item per (tenant#channel, connection) so publish is one Query, plus one item per
 * (conn#connection, channel) so a disconnect removes all of a connection's subscriptions. The
 * WebSocket route handlers ($connect/$disconnect/subscribe messages) call subscribe /
 * unsubscribe / disconnect; publish posts the same JSON frame the local WebSocketNotifier sends
 * to each connection with PostToConnection. A GoneException means the client left without a
 * $disconnect: its subscriptions are removed and it does not count as reached.
 */
import {
  BatchWriteItemCommand, DeleteItemCommand, QueryCommand, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { InvalidArgumentError, UnavailableError, systemClock, type Clock, type Notification, type Notifier } from '../../ports';
import { checkChannel } from '../local/InMemoryNotifier';
import { ATTR } from './dynamoDbSchema';
import { N, S, str, type Item } from './dynamoDbEventItems';
import { errorMessage, errorName, isThrottling, translateDynamoError } from './dynamoDbErrors';

export interface ApiGatewayWebSocketNotifierOptions {
  readonly dynamodb: DynamoDBClient;
  readonly table: string;
  readonly management: ApiGatewayManagementApiClient;
  readonly clock?: Clock;
  /** Subscriptions expire (DynamoDB TTL) after this long without renewal; API Gateway drops idle connections after 2 h anyway. Default 2 h. */
  readonly ttlSeconds?: number;
  /** Parallel PostToConnection calls; default 16. */
  readonly concurrency?: number;
}

const channelKey = (tenant: string, channel: string): string => `${tenant}#${channel}`;

export class ApiGatewayWebSocketNotifier implements Notifier {
  private readonly clock: Clock;

  constructor(private readonly o: ApiGatewayWebSocketNotifierOptions) {
    this.clock = o.clock ?? systemClock;
  }

  async subscribe(connectionId: string, tenant: string, channel: string): Promise<void> {
    this.checkIds(connectionId, tenant);
    checkChannel(channel);
    const ttl = N(Math.ceil(this.clock.now().getTime() / 1000) + (this.o.ttlSeconds ?? 7200));
    const key = channelKey(tenant, channel);
    await this.batchWrite([
      { PutRequest: { Item: { [ATTR.pk]: S(key), [ATTR.sk]: S(connectionId), [ATTR.ttl]: ttl } } },
      { PutRequest: { Item: { [ATTR.pk]: S(`conn#${connectionId}`), [ATTR.sk]: S(key), [ATTR.ttl]: ttl } } },
    ]);
  }

  async unsubscribe(connectionId: string, tenant: string, channel: string): Promise<void> {
    this.checkIds(connectionId, tenant);
    const key = channelKey(tenant, checkChannel(channel));
    await this.dynamo(() => this.o.dynamodb.send(new DeleteItemCommand({ TableName: this.o.table, Key: { [ATTR.pk]: S(key), [ATTR.sk]: S(connectionId) } })));
    await this.dynamo(() => this.o.dynamodb.send(new DeleteItemCommand({ TableName: this.o.table, Key: { [ATTR.pk]: S(`conn#${connectionId}`), [ATTR.sk]: S(key) } })));
  }

  /** Removes every subscription of a connection ($disconnect, or GoneException on post). */
  async disconnect(connectionId: string): Promise<void> {
    const keys = (await this.queryAll(`conn#${connectionId}`)).map((i) => str(i, ATTR.sk)!);
    const deletes: WriteRequest[] = keys.flatMap((k) => [
      { DeleteRequest: { Key: { [ATTR.pk]: S(k), [ATTR.sk]: S(connectionId) } } },
      { DeleteRequest: { Key: { [ATTR.pk]: S(`conn#${connectionId}`), [ATTR.sk]: S(k) } } },
    ]);
    for (let i = 0; i < deletes.length; i += 25) await this.batchWrite(deletes.slice(i, i + 25));
  }

  /** BatchWriteItem, resending UnprocessedItems (throttled partitions) with a short backoff. */
  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await this.dynamo(() => this.o.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [this.o.table]: pending } })));
      pending = out.UnprocessedItems?.[this.o.table] ?? [];
      if (pending.length > 0 && attempt >= 5) throw new UnavailableError(`DynamoDB table ${this.o.table}`, `${pending.length} subscription write(s) unprocessed after ${attempt} attempts`);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }

  async publish(n: Notification): Promise<number> {
    checkChannel(n.channel);
    const connections = (await this.queryAll(channelKey(n.tenant, n.channel))).map((i) => str(i, ATTR.sk)!);
    const frame = Buffer.from(JSON.stringify({ type: 'notification', channel: n.channel, event: n.type, payload: n.payload, sentAt: n.sentAt }));
    let reached = 0;
    const queue = [...connections];
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 16, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          await this.o.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: frame }));
          reached++;
        } catch (err) {
          if (err instanceof GoneException || errorName(err) === 'GoneException') await this.disconnect(id);
          else if (isThrottling(err) || errorName(err) === 'LimitExceededException') {
            throw new UnavailableError('API Gateway management API', `${errorName(err)}: ${errorMessage(err)}`, { cause: err });
          } else throw err;
        }
      }
    }));
    return reached;
  }

  async close(): Promise<void> {
    // Clients are owned by the factory; nothing to release per notifier.
  }

  private async queryAll(pk: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.dynamo(() => this.o.dynamodb.send(new QueryCommand({
        TableName: this.o.table, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': ATTR.pk },
        ExpressionAttributeValues: { ':pk': S(pk) }, ExclusiveStartKey: startKey,
      })));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private checkIds(connectionId: string, tenant: string): void {
    if (typeof connectionId !== 'string' || connectionId.length === 0) throw new InvalidArgumentError('connectionId', 'must be a non-empty string');
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.includes('#')) throw new InvalidArgumentError('tenant', 'must be a non-empty string without "#"');
  }

  private async dynamo<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateDynamoError(err, `table ${this.o.table}`);
    }
  }
}
