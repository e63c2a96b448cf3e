/**
 * GCP EventStore: a dedicated Firestore database for events, snapshots, checkpoints and
 * idempotency records, with the composite indexes the Firestore adapters query (a stream
 * forward/backward by version, the latest snapshot by version) and a TTL policy on idempotency
 * records (`expiresAt`). The global log (readAll) is ordered by the single-field `position`
 * index Firestore maintains automatically.
 */
import * as pulumi from '@pulumi/pulumi';
import * as firestore from '@pulumi/gcp/firestore';
import type { EventStoreArgs } from '../../components/args';
import type { EventStoreOutputs } from '../../components/outputs';
import type { EventStoreManifest } from '../../runtime/manifest';
import { gcpContext } from './common';
import { protectedFirestoreDatabase } from './firestoreDatabase';

/** Collection names are `${COLLECTION_PREFIX}<collection>`. */
export const COLLECTION_PREFIX = 'nexus_';

/** Composite indexes: collection suffix → ordered fields. Exported so tests and docs share them. */
export const EVENT_STORE_INDEXES: ReadonlyArray<{ readonly id: string; readonly collection: string; readonly fields: ReadonlyArray<readonly [string, 'ASCENDING' | 'DESCENDING']> }> = [
  // FirestoreEventStore: streamId == x, version range, ordered by version (forward and backward reads).
  { id: 'events-stream-fwd', collection: 'events', fields: [['streamId', 'ASCENDING'], ['version', 'ASCENDING']] },
  { id: 'events-stream-bwd', collection: 'events', fields: [['streamId', 'ASCENDING'], ['version', 'DESCENDING']] },
  // FirestoreSnapshotStore: latest snapshot at or below a version, optionally of one state version.
  { id: 'snapshots-stream', collection: 'snapshots', fields: [['streamId', 'ASCENDING'], ['version', 'DESCENDING']] },
  { id: 'snapshots-stream-state', collection: 'snapshots', fields: [['streamId', 'ASCENDING'], ['stateVersion', 'ASCENDING'], ['version', 'DESCENDING']] },
];

/**
 * Payload fields stored as JSON text and never queried: exempt from single-field indexing (each
 * indexed string costs a write per index and is capped at 1,500 bytes in the index).
 */
export const UNINDEXED_FIELDS: ReadonlyArray<readonly [collection: string, field: string]> = [
  ['events', 'data'], ['events', 'metadata'], ['snapshots', 'state'],
];

export function gcpEventStore(name: string, args: EventStoreArgs, parent: pulumi.ComponentResource): EventStoreOutputs {
  const ctx = gcpContext(args.placement, parent);
  const { database, databaseId, keyId } = protectedFirestoreDatabase(name, ctx, parent);

  for (const ix of EVENT_STORE_INDEXES) {
    new firestore.Index(
      `${name}-${ix.id}`,
      {
        project: ctx.project,
        database: database.name,
        collection: `${COLLECTION_PREFIX}${ix.collection}`,
        queryScope: 'COLLECTION',
        fields: ix.fields.map(([fieldPath, order]) => ({ fieldPath, order })),
      },
      { parent },
    );
  }
  for (const [collection, field] of UNINDEXED_FIELDS) {
    new firestore.Field(`${name}-${collection}-${field}-unindexed`, {
      project: ctx.project, database: database.name, collection: `${COLLECTION_PREFIX}${collection}`, field, indexConfig: {},
    }, { parent });
  }
  // Idempotency records expire by TTL on `expiresAt` (the adapter writes now + idempotencyTtlHours).
  new firestore.Field(
    `${name}-idempotency-ttl`,
    {
      project: ctx.project,
      database: database.name,
      collection: `${COLLECTION_PREFIX}idempotency`,
      field: 'expiresAt',
      ttlConfig: {},
      indexConfig: {},
    },
    { parent },
  );

  const manifest: pulumi.Output<EventStoreManifest> = databaseId.apply((db) => ({
    kind: 'firestore' as const, projectId: ctx.project, database: db, collectionPrefix: COLLECTION_PREFIX,
  }));
  return {
    manifest,
    refs: {
      databaseId,
      location: pulumi.output(ctx.region),
      collectionPrefix: pulumi.output(COLLECTION_PREFIX),
      ...(keyId ? { kmsKeyId: keyId } : {}),
    },
  };
}
