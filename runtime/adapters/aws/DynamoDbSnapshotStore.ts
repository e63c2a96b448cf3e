/**
 * SnapshotStore on DynamoDB: one item per (stream, version) in the snapshots table (pk = stream
 * id, v = version), so temporal loads (maxVersion) are one backward Query. State is stored as a
 * JSON string; its size is capped by MAX_SNAPSHOT_BYTES, below DynamoDB's 400 KB item limit.
 */
import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MAX_SNAPSHOT_BYTES, SnapshotTooLargeError, type LoadSnapshotOptions, type Snapshot, type SnapshotStore } from '../../ports';
import { checkLoadOptions, checkSnapshot } from '../local/SnapshotRules';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { ATTR } from './dynamoDbSchema';
import { N, S, num, str, type Item } from './dynamoDbEventItems';
import { isItemTooLarge, translateAwsError } from './awsErrors';

export interface DynamoDbSnapshotStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
}

export class DynamoDbSnapshotStore implements SnapshotStore {
  private closed = false;

  constructor(private readonly options: DynamoDbSnapshotStoreOptions) {}

  async save(snapshot: Snapshot): Promise<void> {
    this.assertOpen();
    const json = checkSnapshot(snapshot);
    try {
      await this.options.client.send(new PutItemCommand({
        TableName: this.options.table,
        Item: {
          [ATTR.pk]: S(snapshot.streamId), [ATTR.version]: N(snapshot.version), at: S(snapshot.aggregateType),
          sv: N(snapshot.stateVersion), st: S(json), ta: S(snapshot.takenAt),
        },
      }));
    } catch (err) {
      if (isItemTooLarge(err)) throw new SnapshotTooLargeError(snapshot.streamId, Buffer.byteLength(json), MAX_SNAPSHOT_BYTES);
      throw translateAwsError(err, `DynamoDB table ${this.options.table}`);
    }
  }

  async load(streamId: string, options: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
    this.assertOpen();
    checkLoadOptions(streamId, options);
    let startKey: Item | undefined;
    try {
      do {
        const page = await this.options.client.send(new QueryCommand({
          TableName: this.options.table,
          ConsistentRead: true,
          ScanIndexForward: false,
          KeyConditionExpression: options.maxVersion === undefined ? '#pk = :s' : '#pk = :s AND #v <= :max',
          ...(options.stateVersion === undefined ? {} : { FilterExpression: '#sv = :sv' }),
          ExpressionAttributeNames: {
            '#pk': ATTR.pk, ...(options.maxVersion === undefined ? {} : { '#v': ATTR.version }),
            ...(options.stateVersion === undefined ? {} : { '#sv': 'sv' }),
          },
          ExpressionAttributeValues: {
            ':s': S(streamId), ...(options.maxVersion === undefined ? {} : { ':max': N(options.maxVersion) }),
            ...(options.stateVersion === undefined ? {} : { ':sv': N(options.stateVersion) }),
          },
          // Without a filter the first item is the answer; with one, read small pages until a match.
          Limit: options.stateVersion === undefined ? 1 : 10,
          ExclusiveStartKey: startKey,
        }));
        const item = page.Items?.[0];
        if (item) return toSnapshot(item);
        startKey = options.stateVersion === undefined ? undefined : page.LastEvaluatedKey;
      } while (startKey);
    } catch (err) {
      throw translateAwsError(err, `DynamoDB table ${this.options.table}`);
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('DynamoDbSnapshotStore');
  }
}

function toSnapshot(item: Item): Snapshot {
  return {
    streamId: str(item, ATTR.pk)!,
    aggregateType: str(item, 'at')!,
    version: num(item, ATTR.version)!,
    stateVersion: num(item, 'sv')!,
    state: JSON.parse(str(item, 'st')!) as unknown,
    takenAt: str(item, 'ta')!,
  };
}
