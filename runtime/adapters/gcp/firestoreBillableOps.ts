/**
 * Counts the operations Firestore bills (document reads, writes, deletes) as they cross the gRPC
 * channel, via the client's `grpc.callInvocationTransformer` setting: no SDK patching and no
 * change to the adapters. Billing rules applied (cloud.google.com/firestore/pricing):
 *  - a query (RunQuery) costs one read per document returned, at least one read;
 *  - a document lookup (BatchGetDocuments) costs one read per document asked, found or not;
 *  - an aggregation (RunAggregationQuery, count()) costs one read per 1,000 index entries
 *    counted, at least one;
 *  - a successful Commit costs one write per set/create/update and one delete per delete;
 *    a commit that fails (precondition, contention) writes nothing.
 * Used by the request-count measurement (test/gcp/firestoreCommandCost.int.test.ts); usable
 * in production to export the same numbers as metrics.
 */

export interface BillableOps {
  reads: number;
  writes: number;
  deletes: number;
  /** RPCs per method name, e.g. { RunQuery: 3, Commit: 1 }. */
  readonly calls: Record<string, number>;
}

export const newBillableOps = (): BillableOps => ({ reads: 0, writes: 0, deletes: 0, calls: {} });

interface CallProperties {
  readonly argument: unknown;
  readonly call: { on(event: string, listener: (arg: unknown) => void): unknown };
  readonly methodDefinition: { readonly path: string };
  callback?: (err: unknown, value?: unknown) => void;
}

/** Firestore client settings that make every call of that client count into `ops`. */
export function countingSettings(ops: BillableOps): Record<string, unknown> {
  return { 'grpc.callInvocationTransformer': (p: CallProperties) => observe(ops, p) };
}

function observe(ops: BillableOps, p: CallProperties): CallProperties {
  const method = p.methodDefinition.path.split('/').pop() ?? p.methodDefinition.path;
  ops.calls[method] = (ops.calls[method] ?? 0) + 1;
  if (method === 'Commit' && p.callback) {
    const done = p.callback;
    const writes = ((p.argument as { writes?: Array<{ delete?: unknown }> }).writes) ?? [];
    p.callback = (err, value) => {
      if (!err) {
        const deletes = writes.filter((w) => typeof w.delete === 'string' && w.delete.length > 0).length;
        ops.deletes += deletes;
        ops.writes += writes.length - deletes;
      }
      done(err, value);
    };
  } else if (method === 'RunQuery') {
    // The minimum charge up front, then every document after the first: no end-of-call lag.
    ops.reads++;
    let docs = 0;
    p.call.on('data', (r) => {
      if ((r as { document?: unknown }).document && ++docs > 1) ops.reads++;
    });
  } else if (method === 'BatchGetDocuments') {
    p.call.on('data', (r) => {
      const x = r as { found?: unknown; missing?: unknown };
      if (x.found || x.missing) ops.reads++;
    });
  } else if (method === 'RunAggregationQuery') {
    ops.reads++;
    p.call.on('data', (r) => {
      const fields = (r as { result?: { aggregateFields?: Record<string, { integerValue?: string | number }> } }).result?.aggregateFields ?? {};
      const counted = Math.max(0, ...Object.values(fields).map((f) => Number(f.integerValue ?? 0)));
      ops.reads += Math.max(0, Math.ceil(counted / 1000) - 1);
    });
  }
  return p;
}
