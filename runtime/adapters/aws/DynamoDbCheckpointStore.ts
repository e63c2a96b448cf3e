/**
 * CheckpointStore on DynamoDB: every checkpoint is an item of the checkpoints table under one
 * partition (pk = "cp", sk = name), so list() is one Query on the sort-key range, in DynamoDB's
 * UTF-8 byte order (= the port's code point order), paged until the limit is reached. set() with
 * `expected` is a conditional put; a failed condition returns the stored value (ALL_OLD), which
 * names the actual value in the CheckpointConflictError without another read.
 */
import {
  ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CheckpointConflictError, checkCheckpointListArgs, checkpointNameRange, type CheckpointListOptions, type CheckpointStore,
} from '../../ports';
import { checkCheckpointName, checkCheckpointValue } from '../local/InMemoryCheckpointStore';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { ATTR, CHECKPOINT_PK } from './dynamoDbSchema';
import { S, str, type Item } from './dynamoDbEventItems';
import { translateAwsError } from './awsErrors';

export interface DynamoDbCheckpointStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
}

export class DynamoDbCheckpointStore implements CheckpointStore {
  private closed = false;

  constructor(private readonly options: DynamoDbCheckpointStoreOptions) {}

  async get(name: string): Promise<string | undefined> {
    this.assertOpen();
    const key = this.key(checkCheckpointName(name));
    const out = await this.call(() => this.options.client.send(new GetItemCommand({ TableName: this.options.table, Key: key, ConsistentRead: true })));
    return str(out.Item, 'val');
  }

  async set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void> {
    this.assertOpen();
    checkCheckpointName(name);
    checkCheckpointValue(value);
    const condition = expected === undefined ? {} : expected.current === undefined
      ? { ConditionExpression: 'attribute_not_exists(#val)', ExpressionAttributeNames: { '#val': 'val' } }
      : { ConditionExpression: '#val = :cur', ExpressionAttributeNames: { '#val': 'val' }, ExpressionAttributeValues: { ':cur': S(expected.current) } };
    try {
      await this.options.client.send(new PutItemCommand({
        TableName: this.options.table, Item: { ...this.key(name), val: S(value) }, ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new CheckpointConflictError(name, expected?.current, str(err.Item, 'val'));
      }
      throw translateAwsError(err, `DynamoDB table ${this.options.table}`);
    }
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    const key = this.key(checkCheckpointName(name));
    await this.call(() => this.options.client.send(new DeleteItemCommand({ TableName: this.options.table, Key: key })));
  }

  async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    this.assertOpen();
    const { prefix: p, to, limit } = checkCheckpointListArgs(prefix, options);
    const range = checkpointNameRange(p, to);
    if (!range) return [];
    // One sort-key condition: BETWEEN prefix AND to when `to` has the prefix (`<=` for an empty
    // prefix: key values may not be empty), else begins_with(prefix), else the whole partition.
    const sk: { cond: string; values: Item } | undefined = range.through !== undefined
      ? range.from === '' ? { cond: ' AND #sk <= :to', values: { ':to': S(range.through) } }
        : { cond: ' AND #sk BETWEEN :from AND :to', values: { ':from': S(range.from), ':to': S(range.through) } }
      : range.from === '' ? undefined : { cond: ' AND begins_with(#sk, :from)', values: { ':from': S(range.from) } };
    const out: Array<{ name: string; value: string }> = [];
    let startKey: Item | undefined;
    do {
      // Without a filter expression Limit counts returned items, so the last page asks for exactly what is missing.
      const remaining = limit === undefined ? undefined : limit - out.length;
      const page = await this.call(() => this.options.client.send(new QueryCommand({
        TableName: this.options.table,
        ConsistentRead: true,
        KeyConditionExpression: `#pk = :pk${sk?.cond ?? ''}`,
        ExpressionAttributeNames: { '#pk': ATTR.pk, ...(sk ? { '#sk': ATTR.sk } : {}) },
        ExpressionAttributeValues: { ':pk': S(CHECKPOINT_PK), ...sk?.values },
        ...(remaining === undefined ? {} : { Limit: remaining }),
        ExclusiveStartKey: startKey,
      })));
      for (const item of page.Items ?? []) out.push({ name: str(item, ATTR.sk)!, value: str(item, 'val')! });
      startKey = page.LastEvaluatedKey;
    } while (startKey && (limit === undefined || out.length < limit));
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private key(name: string): Item {
    return { [ATTR.pk]: S(CHECKPOINT_PK), [ATTR.sk]: S(name) };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateAwsError(err, `DynamoDB table ${this.options.table}`);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('DynamoDbCheckpointStore');
  }
}
