/**
 * GCP SearchIndex: read models in a second, dedicated Firestore database (ADR 0120), protected
 * like the event store (PITR, delete protection, CMEK in prod, daily backups). Documents of index
 * `<i>` live in `<prefix>indexes/<i>/docs/<id>` (the FirestoreSearchIndex layout, ADR 0065);
 * field settings on the `docs` collection id apply to every read-model index at once.
 */
import * as pulumi from '@pulumi/pulumi';
import * as firestore from '@pulumi/gcp/firestore';
import type { SearchIndexArgs } from '../../components/args';
import type { SearchIndexOutputs } from '../../components/outputs';
import type { SearchIndexManifest } from '../../runtime/manifest';
import { gcpContext } from './common';
import { protectedFirestoreDatabase } from './firestoreDatabase';

export const READ_MODEL_PREFIX = 'nexus_rm_';
/** Collection id of the read-model documents under each index document. */
export const READ_MODEL_DOCS_COLLECTION = 'docs';

/**
 * The adapter (FirestoreSearchIndex, ADR 0065) pushes down only equalities — field values under
 * `f.*`, words and prefixes under `w.*` / `p.*` — which Firestore serves by merging its automatic
 * single-field indexes, so no composite index is needed. The full document is kept as JSON text
 * in `doc` and never queried: it is exempt from indexing.
 */
export const UNINDEXED_READ_MODEL_FIELDS = ['doc'] as const;

export function gcpSearchIndex(name: string, args: SearchIndexArgs, parent: pulumi.ComponentResource): SearchIndexOutputs {
  const ctx = gcpContext(args.placement, parent);
  const { database, databaseId, keyId } = protectedFirestoreDatabase(name, ctx, parent);
  for (const field of UNINDEXED_READ_MODEL_FIELDS) {
    new firestore.Field(`${name}-docs-${field}-unindexed`, {
      project: ctx.project, database: database.name, collection: READ_MODEL_DOCS_COLLECTION, field, indexConfig: {},
    }, { parent });
  }
  const manifest: pulumi.Output<SearchIndexManifest> = databaseId.apply((db) => ({
    kind: 'firestore' as const,
    projectId: ctx.project,
    database: db,
    collectionPrefix: READ_MODEL_PREFIX,
  }));
  return { manifest, refs: { databaseId, ...(keyId ? { kmsKeyId: keyId } : {}) } };
}
