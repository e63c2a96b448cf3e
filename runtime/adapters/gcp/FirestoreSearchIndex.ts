/**
 * SearchIndex on a dedicated Firestore database for read models (ADR 0065): an index is the
 * document `<prefix>indexes/<index>` (its definition) with a `docs` subcollection, one Firestore
 * document per search document. Queries push equality filters and text tokens down to
 * Firestore and finish filters, sort, total and keyset cursors in memory
 * (firestoreSearchQuery.ts); the plain "all, by id" listing pages in Firestore with count().
 */
import type { CollectionReference, DocumentReference, Firestore, Query } from '@google-cloud/firestore';
import {
  IndexNotFoundError, type IndexDefinition, type SearchDocument, type SearchIndex, type SearchPage, type SearchQuery,
} from '../../ports/SearchIndex';
import {
  checkDocuments, checkIndexName, definitionMismatch, encodeCursor, planQuery, resolveDefinition, sameDefinition, type QueryPlan, type ResolvedField,
} from '../local/search/queryPlan';
import { compareKeys, isPlainListing, matches, pushDown, sortKey, toSearchDoc, type SearchDoc } from './firestoreSearchQuery';
import { guarded } from './googleErrors';

export interface FirestoreSearchIndexOptions {
  /** A client of the read-model database (manifest search.database). */
  readonly firestore: Firestore;
  readonly collectionPrefix: string;
}

const SERVICE = 'Firestore search index';
const BATCH = 400;
const PAGE = 1000;

export class FirestoreSearchIndex implements SearchIndex {
  private readonly indexes: CollectionReference;

  constructor(private readonly options: FirestoreSearchIndexOptions) {
    this.indexes = options.firestore.collection(`${options.collectionPrefix}indexes`);
  }

  async createIndex(index: string, definition: IndexDefinition): Promise<void> {
    checkIndexName(index);
    const fields = resolveDefinition(definition);
    await guarded(SERVICE, () => this.options.firestore.runTransaction(async (tx) => {
      const snap = await tx.get(this.indexes.doc(index));
      if (snap.exists) {
        const existing = JSON.parse(snap.get('fields') as string) as ResolvedField[];
        if (!sameDefinition(existing, fields)) throw definitionMismatch(index, existing, fields);
        return;
      }
      tx.create(this.indexes.doc(index), { name: index, fields: JSON.stringify(fields) });
    }));
  }

  async dropIndex(index: string): Promise<void> {
    checkIndexName(index);
    // Deletes the definition and every document under it (in batches, not atomically).
    await guarded(SERVICE, () => this.options.firestore.recursiveDelete(this.indexes.doc(index)));
  }

  async listIndexes(): Promise<string[]> {
    const snap = await guarded(SERVICE, () => this.indexes.get());
    return snap.docs.map((d) => d.id).sort();
  }

  async upsert(index: string, documents: readonly SearchDocument[]): Promise<void> {
    const { fields, docs } = await this.open(index);
    checkDocuments(index, fields, documents);
    for (let i = 0; i < documents.length; i += BATCH) {
      const batch = this.options.firestore.batch();
      for (const d of documents.slice(i, i + BATCH)) batch.set(this.docRef(docs, d.id), toSearchDoc(fields, d));
      await guarded(SERVICE, () => batch.commit());
    }
  }

  async delete(index: string, ids: readonly string[]): Promise<void> {
    const { docs } = await this.open(index);
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = this.options.firestore.batch();
      for (const id of ids.slice(i, i + BATCH)) batch.delete(this.docRef(docs, id));
      await guarded(SERVICE, () => batch.commit());
    }
  }

  async get(index: string, id: string): Promise<SearchDocument | undefined> {
    const { docs } = await this.open(index);
    const snap = await guarded(SERVICE, () => this.docRef(docs, id).get());
    return snap.exists ? (JSON.parse(snap.get('doc') as string) as SearchDocument) : undefined;
  }

  async query(index: string, query: SearchQuery): Promise<SearchPage> {
    const { fields, docs } = await this.open(index);
    const plan = planQuery(fields, query);
    if (isPlainListing(plan)) return this.listing(docs, plan);
    const keyed: Array<{ d: SearchDocument; key: Array<string | number> }> = [];
    for await (const d of this.candidates(pushDown(docs, plan))) {
      if (matches(plan, d)) keyed.push({ d, key: sortKey(plan, d) });
    }
    keyed.sort((a, b) => compareKeys(plan, a.key, b.key));
    const start = plan.after ? keyed.filter((k) => compareKeys(plan, k.key, plan.after!) <= 0).length : 0;
    const page = keyed.slice(start, start + plan.limit);
    const last = page[page.length - 1];
    const more = start + plan.limit < keyed.length;
    return { items: page.map((k) => k.d), total: keyed.length, nextCursor: more && last ? encodeCursor(last.key) : undefined };
  }

  async close(): Promise<void> {
    await this.options.firestore.terminate();
  }

  /** Everything by id: one page query (limit + 1) and one count() aggregation. */
  private async listing(docs: CollectionReference, plan: QueryPlan): Promise<SearchPage> {
    let q: Query = docs.orderBy('id');
    if (plan.after) q = q.startAfter(plan.after[0]);
    const [snap, count] = await Promise.all([
      guarded(SERVICE, () => q.limit(plan.limit + 1).get()),
      guarded(SERVICE, () => docs.count().get()),
    ]);
    const items = snap.docs.slice(0, plan.limit).map((d) => JSON.parse(d.get('doc') as string) as SearchDocument);
    const last = items[items.length - 1];
    return { items, total: count.data().count, nextCursor: snap.docs.length > plan.limit && last ? encodeCursor([last.id]) : undefined };
  }

  /** Candidate documents of the pushed-down query, paged by document name. */
  private async *candidates(q: Query): AsyncGenerator<SearchDocument> {
    let after: string | undefined;
    for (;;) {
      let page = q.orderBy('__name__').limit(PAGE);
      if (after !== undefined) page = page.startAfter(after);
      const snap = await guarded(SERVICE, () => page.get());
      for (const d of snap.docs) yield JSON.parse((d.data() as SearchDoc).doc) as SearchDocument;
      if (snap.docs.length < PAGE) return;
      after = snap.docs[snap.docs.length - 1]!.id;
    }
  }

  private async open(index: string): Promise<{ fields: ResolvedField[]; docs: CollectionReference }> {
    checkIndexName(index);
    const ref: DocumentReference = this.indexes.doc(index);
    const snap = await guarded(SERVICE, () => ref.get());
    if (!snap.exists) throw new IndexNotFoundError(index);
    return { fields: JSON.parse(snap.get('fields') as string) as ResolvedField[], docs: ref.collection('docs') };
  }

  private docRef(docs: CollectionReference, id: string): DocumentReference {
    // Firestore ids cannot hold "/" nor be "." / ".." / "__x__": encode, keep the id in the document.
    return docs.doc(encodeURIComponent(id).replace(/\./g, '%2E').replace(/_/g, '%5F'));
  }
}
