/**
 * Notifier on API Gateway WebSocket APIs. Subscriptions live in the DynamoDB connections table
 * (pk only): a channel item (pk = "<tenant>#<channel>") holds the string set of subscribed
 * connection ids, so publish is one GetItem; a connection item (pk = "conn#<id>") holds the set
 * of its channel keys, so a disconnect removes all of its subscriptions. The WebSocket route
 * handlers ($connect/$disconnect/subscribe messages) call subscribe / unsubscribe / disconnect;
 * publish posts the same JSON frame the local WebSocketNotifier sends with PostToConnection. A
 * GoneException means the client left without a $disconnect: its subscriptions are removed and
 * it does not count as reached. Only connection items carry `ttl` (idle connections expire).
 */
import { DeleteItemCommand, GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { InvalidArgumentError, UnavailableError, systemClock, type Clock, type Notification, type Notifier } from '../../ports';
import { checkChannel } from '../local/InMemoryNotifier';
import { ATTR } from './dynamoDbSchema';
import { N, S, type Item } from './dynamoDbEventItems';
import { errorMessage, errorName, isThrottling, translateAwsError } from './awsErrors';

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
    const key = channelKey(tenant, checkChannel(channel));
    const ttl = N(Math.ceil(this.clock.now().getTime() / 1000) + (this.o.ttlSeconds ?? 7200));
    await this.update(`conn#${connectionId}`, 'ADD #set :v SET #ttl = :ttl', key, { '#ttl': ATTR.ttl }, { ':ttl': ttl });
    await this.update(key, 'ADD #set :v', connectionId);
  }

  async unsubscribe(connectionId: string, tenant: string, channel: string): Promise<void> {
    this.checkIds(connectionId, tenant);
    const key = channelKey(tenant, checkChannel(channel));
    await this.update(key, 'DELETE #set :v', connectionId);
    await this.update(`conn#${connectionId}`, 'DELETE #set :v', key);
  }

  /** Removes every subscription of a connection ($disconnect, or GoneException on post). */
  async disconnect(connectionId: string): Promise<void> {
    const item = await this.getItem(`conn#${connectionId}`);
    for (const key of item?.['members']?.SS ?? []) await this.update(key, 'DELETE #set :v', connectionId);
    await this.dynamo(() => this.o.dynamodb.send(new DeleteItemCommand({ TableName: this.o.table, Key: { [ATTR.pk]: S(`conn#${connectionId}`) } })));
  }

  async publish(n: Notification): Promise<number> {
    checkChannel(n.channel);
    const connections = (await this.getItem(channelKey(n.tenant, n.channel)))?.['members']?.SS ?? [];
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

  private async getItem(pk: string): Promise<Item | undefined> {
    return (await this.dynamo(() => this.o.dynamodb.send(new GetItemCommand({ TableName: this.o.table, Key: { [ATTR.pk]: S(pk) }, ConsistentRead: true })))).Item;
  }

  /** ADD/DELETE one member of an item's string set (DynamoDB drops an emptied set attribute). */
  private async update(pk: string, expression: string, member: string, names: Record<string, string> = {}, values: Record<string, Item[string]> = {}): Promise<void> {
    await this.dynamo(() => this.o.dynamodb.send(new UpdateItemCommand({
      TableName: this.o.table, Key: { [ATTR.pk]: S(pk) }, UpdateExpression: expression,
      ExpressionAttributeNames: { '#set': 'members', ...names }, ExpressionAttributeValues: { ':v': { SS: [member] }, ...values },
    })));
  }

  private checkIds(connectionId: string, tenant: string): void {
    if (typeof connectionId !== 'string' || connectionId.length === 0) throw new InvalidArgumentError('connectionId', 'must be a non-empty string');
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.includes('#')) throw new InvalidArgumentError('tenant', 'must be a non-empty string without "#"');
  }

  private async dynamo<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateAwsError(err, `DynamoDB table ${this.o.table}`);
    }
  }
}
