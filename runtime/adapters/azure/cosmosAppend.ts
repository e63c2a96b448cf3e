/**
 * The append of CosmosEventStore as ONE transactional batch in the stream's logical partition
 * (ADR 0070): operation 0 writes the stream head (Create when the stream is new, else Replace
 * with IfMatch = the head's etag), operations 1..k Create the event items. On Cosmos DB a
 * transactional batch is all-or-nothing: if the head's etag moved (412), the stream already
 * exists (409 on the head) or an event id is already stored (409 on its item), nothing is
 * written and the response (HTTP 207) carries the failing operation's status, the others 424.
 * The head goes first so that a conflicting writer fails on its first operation.
 *
 * NOTE: @vercel/cosmosdb-server (the local test server) executes batch operations one by one
 * and stops at the first failure WITHOUT rolling back: a 409 on an event item after the head
 * was replaced leaves the head moved. readBatchOutcome reports that as `brokeAtomicity`.
 */
import { BulkOperationType, type JSONObject, type OperationInput, type OperationResponse } from '@azure/cosmos';
import { HEAD_ID, headItem, type EventItem } from './cosmosEventDocs';

export interface HeadState {
  readonly version: number;
  /** Undefined when the stream has no head yet (version 0). */
  readonly etag: string | undefined;
  readonly createdAt: string | undefined;
  readonly updatedAt: string | undefined;
}

export const ABSENT_HEAD: HeadState = { version: 0, etag: undefined, createdAt: undefined, updatedAt: undefined };

export function appendOperations(streamId: string, head: HeadState, items: readonly EventItem[]): OperationInput[] {
  const last = items[items.length - 1]!;
  const first = items[0]!;
  const body = headItem(streamId, last.version, head.createdAt ?? first.recordedAt, last.recordedAt);
  const headOp: OperationInput = head.etag === undefined
    ? { operationType: BulkOperationType.Create, resourceBody: { ...body } as unknown as JSONObject }
    : { operationType: BulkOperationType.Replace, id: HEAD_ID, partitionKey: streamId, ifMatch: head.etag, resourceBody: { ...body } as unknown as JSONObject };
  return [headOp, ...items.map((item): OperationInput => ({ operationType: BulkOperationType.Create, resourceBody: { ...item } as unknown as JSONObject }))];
}

export type BatchOutcome =
  | { readonly kind: 'ok'; readonly headEtag: string | undefined }
  /** The head moved (412) or already exists (409 on a Create): another writer appended first. */
  | { readonly kind: 'head-conflict'; readonly status: number; readonly brokeAtomicity: false }
  /** An event item already exists: the event id is stored in this stream (replay or duplicate). */
  | { readonly kind: 'duplicate'; readonly eventIndex: number; readonly brokeAtomicity: boolean }
  | { readonly kind: 'failed'; readonly status: number; readonly operation: number; readonly brokeAtomicity: boolean };

export function readBatchOutcome(results: readonly OperationResponse[] | undefined): BatchOutcome {
  const list = results ?? [];
  const failedAt = list.findIndex((r) => r.statusCode >= 400 && r.statusCode !== 424);
  if (failedAt < 0) {
    if (list.some((r) => r.statusCode === 424) || list.length === 0) return { kind: 'failed', status: 424, operation: -1, brokeAtomicity: false };
    return { kind: 'ok', headEtag: list[0]?.eTag };
  }
  const status = list[failedAt]!.statusCode;
  // A real transactional batch reports 424 for every other operation; a success before the
  // failing one means the server applied part of the batch.
  const brokeAtomicity = list.slice(0, failedAt).some((r) => r.statusCode < 400);
  if (failedAt === 0 && (status === 412 || status === 409 || status === 404)) return { kind: 'head-conflict', status, brokeAtomicity: false };
  if (failedAt > 0 && status === 409) return { kind: 'duplicate', eventIndex: failedAt - 1, brokeAtomicity };
  return { kind: 'failed', status, operation: failedAt, brokeAtomicity };
}
