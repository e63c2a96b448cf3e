/**
 * Counts the DynamoDB requests a client sends, by operation, with the capacity units DynamoDB
 * reports for them (an SDK middleware asks for ReturnConsumedCapacity=TOTAL and sums the
 * answer): the measurement behind the `requests` section of docs/capabilities.md.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const CAPACITY = new Set(['GetItemCommand', 'QueryCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

export interface RequestCounts {
  readonly byOperation: Record<string, number>;
  reads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
}

export function countRequests(client: DynamoDBClient): { counts: () => RequestCounts; reset: () => void } {
  let c: RequestCounts = { byOperation: {}, reads: 0, writes: 0, readUnits: 0, writeUnits: 0 };
  client.middlewareStack.add((next, context) => async (args) => {
    const op = context.commandName ?? 'unknown';
    const input = args.input as Record<string, unknown>;
    if (CAPACITY.has(op)) input['ReturnConsumedCapacity'] = 'TOTAL';
    c.byOperation[op] = (c.byOperation[op] ?? 0) + 1;
    if (READS.has(op)) c.reads++;
    else if (op !== 'DescribeTableCommand' && op !== 'CreateTableCommand') c.writes++;
    const out = await next(args);
    const consumed = (out.output as { ConsumedCapacity?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number } | Array<{ ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number }> }).ConsumedCapacity;
    for (const cc of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      if (READS.has(op)) c.readUnits += cc.ReadCapacityUnits ?? cc.CapacityUnits ?? 0;
      else c.writeUnits += cc.WriteCapacityUnits ?? cc.CapacityUnits ?? 0;
    }
    return out;
  }, { step: 'initialize', name: 'nexusRequestCounter' });
  return {
    counts: () => c,
    reset: () => {
      c = { byOperation: {}, reads: 0, writes: 0, readUnits: 0, writeUnits: 0 };
    },
  };
}
