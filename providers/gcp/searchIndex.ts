/**
 * GCP SearchIndex: read models in a second, dedicated Firestore database (ADR 0120), protected
 * like the event store (PITR, delete protection, CMEK in prod, daily backups). Documents of index
 * `<i>` live in `<prefix>indexes/<i>/docs/<id>`: because Firestore composite indexes are keyed by
 * collection id, one declaration on `docs` serves every read-model index, including the text
 * match on the `_tokens` array (normalised terms and their prefixes).
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

/** Composite indexes on `docs`: text match with the default (id) order reversed, and by recency. */
export const READ_MODEL_INDEXES = [
  { id: 'tokens-id-desc', fields: [{ fieldPath: '_tokens', arrayConfig: 'CONTAINS' }, { fieldPath: '__name__', order: 'DESCENDING' }] },
  { id: 'tokens-updated', fields: [{ fieldPath: '_tokens', arrayConfig: 'CONTAINS' }, { fieldPath: '_updatedAt', order: 'DESCENDING' }] },
] as const;

export function gcpSearchIndex(name: string, args: SearchIndexArgs, parent: pulumi.ComponentResource): SearchIndexOutputs {
  const ctx = gcpContext(args.placement, parent);
  const { database, databaseId, keyId } = protectedFirestoreDatabase(name, ctx, parent);
  for (const ix of READ_MODEL_INDEXES) {
    new firestore.Index(
      `${name}-${ix.id}`,
      {
        project: ctx.project,
        database: database.name,
        collection: READ_MODEL_DOCS_COLLECTION,
        queryScope: 'COLLECTION',
        fields: ix.fields.map((f) => ({ ...f })),
      },
      { parent },
    );
  }
  const manifest: pulumi.Output<SearchIndexManifest> = databaseId.apply((db) => ({
    kind: 'firestore' as const,
    projectId: ctx.project,
    database: db,
    collectionPrefix: READ_MODEL_PREFIX,
  }));
  return { manifest, refs: { databaseId, ...(keyId ? { kmsKeyId: keyId } : {}) } };
}
