/**
 * IdempotencyStore on DynamoDB: one item per key in the checkpoints table (pk = "idem#<key>"),
 * written with a condition "absent or expired" so the first writer wins; `ttl` (epoch seconds)
 * lets DynamoDB's TTL delete expired records eventually — reads never trust TTL deletion and
 * check the expiry themselves, by the injected clock.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, systemClock, type Clock, type IdempotencyRecord, type IdempotencyStore } from '../../ports';
import { checkIdempotencyArgs } from '../local/InMemoryIdempotencyStore';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { ATTR } from './dynamoDbSchema';
import { N, S, num, str, type Item } from './dynamoDbEventItems';
import { translateAwsError } from './awsErrors';

export interface DynamoDbIdempotencyStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly clock?: Clock;
}

export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly clock: Clock;
  private closed = false;

  constructor(private readonly options: DynamoDbIdempotencyStoreOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }> {
    this.assertOpen();
    const json = checkIdempotencyArgs(key, value, ttlSeconds);
    const now = this.clock.now();
    const record: IdempotencyRecord = {
      key, value: JSON.parse(json) as unknown, storedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    };
    try {
      await this.options.client.send(new PutItemCommand({
        TableName: this.options.table,
        Item: {
          ...this.key(key), val: S(json), sa: S(record.storedAt), ea: N(now.getTime() + ttlSeconds * 1000),
          [ATTR.ttl]: N(Math.ceil((now.getTime() + ttlSeconds * 1000) / 1000)),
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR #ea <= :now',
        ExpressionAttributeNames: { '#pk': ATTR.pk, '#ea': 'ea' },
        ExpressionAttributeValues: { ':now': N(now.getTime()) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { stored: true, record };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException && err.Item) return { stored: false, record: toRecord(key, err.Item) };
      throw translateAwsError(err, `DynamoDB table ${this.options.table}`);
    }
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('key', 'must be a non-empty string');
    try {
      const out = await this.options.client.send(new GetItemCommand({ TableName: this.options.table, Key: this.key(key), ConsistentRead: true }));
      if (!out.Item || (num(out.Item, 'ea') ?? 0) <= this.clock.now().getTime()) return undefined;
      return toRecord(key, out.Item);
    } catch (err) {
      throw translateAwsError(err, `DynamoDB table ${this.options.table}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private key(key: string): Item {
    return { [ATTR.pk]: S(`idem#${key}`), [ATTR.sk]: S('-') };
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('DynamoDbIdempotencyStore');
  }
}

function toRecord(key: string, item: Item): IdempotencyRecord {
  return {
    key, value: JSON.parse(str(item, 'val')!) as unknown, storedAt: str(item, 'sa')!, expiresAt: new Date(num(item, 'ea')!).toISOString(),
  };
}
