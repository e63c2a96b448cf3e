/**
 * Cloud migration rehearsal on real local servers: an Orders history (v1 and v2 events,
 * multi-event appends, metadata, snapshots) written to SQLite travels SQLite → PostgreSQL →
 * DynamoDB Local → Cosmos DB (cosmosdb-server) → Firestore emulator (when installed) → SQLite.
 * Every hop must verify clean (counts + hash chains + snapshots); the final store must equal the
 * first by the hash report, event for event (ids, versions, times, metadata), and the Orders
 * read models built from both must be identical.
 */
import assert from 'node:assert/strict';
import { emulatorFirestore } from '../gcp/firestoreClient';
import { firestoreEmulatorUnavailable, startFirestoreEmulator, type RunningEmulator } from '../servers/firestore';
import { useCosmosServer } from '../servers/cosmos';
import { useDynamoDbLocal } from '../aws/support/dynamoFixture';
import { usePostgres } from '../selfhosted/pgFixture';
import { inventory, runMigration, shadowProjections, verifyMigration } from '../../runtime/core/migration';
import { schemaUpcasters } from '../../runtime/core/schema/upcasters';
import { loadSchemaDir } from '../../runtime/core/schema/schemaFiles';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { orderProjections } from '../../examples/orders/projections';
import { historyClock, writeOrdersHistory, type HistoryStats } from './ordersHistory';
import { cosmosSide, dynamoSide, firestoreSide, postgresSide, sqliteSide, type Side } from './sides';

const ORDERS = 550;
const SUITE = 'migration rehearsal (test/migration/rehearsal.int.test.ts)';

describe('migration rehearsal: SQLite → PostgreSQL → DynamoDB Local → Cosmos DB → Firestore → SQLite', function () {
  this.timeout(600_000);
  const pg = usePostgres(SUITE);
  const ddb = useDynamoDbLocal(SUITE);
  const cosmos = useCosmosServer(SUITE);
  let firestore: RunningEmulator | undefined;
  const opened: Side[] = [];

  before(async function () {
    this.timeout(120_000);
    const missing = firestoreEmulatorUnavailable();
    if (missing) console.warn(`\n*** SKIPPED HOP: ${missing}: the Firestore hop of ${SUITE} is not run (the other hops are) ***\n`);
    else firestore = await startFirestoreEmulator();
  });
  after(async function () {
    this.timeout(60_000);
    await Promise.allSettled(opened.map((s) => s.close()));
    await firestore?.stop();
  });

  it('round-trips a few thousand Orders events through every store with a clean report at each hop and identical read models', async () => {
    const upcaster = schemaUpcasters(loadSchemaDir('schemas'));
    const origin = sqliteSide('origin');
    opened.push(origin);
    // The origin store stamps with a manual clock (weeks of history); the others use the replay clock.
    const writerClock = historyClock();
    const writer = new SqliteEventStore({ path: origin.path, clock: writerClock });
    const stats: HistoryStats = await writeOrdersHistory(writer, origin.snapshots, writerClock, { orders: ORDERS, snapshotEvery: 4 });
    await writer.close();
    assert.ok(stats.events >= 2000, `history has ${stats.events} events`);
    assert.ok(stats.v1Events > 100, 'history holds old schema versions');

    const chain: Side[] = [origin, postgresSide(() => pg.connect()), dynamoSide(ddb.client(), await ddb.freshTables()), await cosmosSide(cosmos())];
    if (firestore) chain.push(firestoreSide(emulatorFirestore(firestore)));
    const final = sqliteSide('final');
    chain.push(final);
    opened.push(...chain.slice(1));

    for (let i = 1; i < chain.length; i++) {
      const from = chain[i - 1]!;
      const to = chain[i]!;
      // DynamoDB Local's global log contends under many writers: fewer streams at once there.
      const concurrency = to.name === 'dynamodb' ? 2 : 8;
      const r = await runMigration(from, to, { checkpointName: `rehearsal:${from.name}`, pageSize: 500, concurrency });
      const rate = Math.round(r.copy.read / Math.max(0.001, r.copy.elapsedMs / 1000));
      console.log(`      ${from.name} → ${to.name}: ${r.copy.imported} events in ${r.copy.elapsedMs} ms (${rate} events/s), ${r.snapshotsCopied} snapshots, report ${r.verification.ok ? 'clean' : 'DIFFERENT'}`);
      assert.deepEqual(r.verification.differences, [], `${from.name} → ${to.name}: differences`);
      assert.equal(r.copy.imported, stats.events, `${from.name} → ${to.name}: every event copied once`);
      assert.equal(r.snapshotsCopied, stats.snapshots);
      assert.equal(r.ok, true);
    }

    const report = await verifyMigration(origin, final);
    assert.equal(report.ok, true, JSON.stringify(report.differences.slice(0, 5)));
    assert.equal(report.source.events, stats.events);
    assert.equal(report.snapshotsCompared, stats.streams);
    const [a, b] = await Promise.all([inventory(origin.events, { upcasters: upcaster }), inventory(final.events)]);
    assert.deepEqual([...b.streams].sort(), [...a.streams].sort(), 'same streams, counts and hash chains');
    assert.ok(a.upcasts.size > 0, 'the history needs upcasts on read');

    // Event for event: everything but the store-issued position is preserved.
    const strip = (e: { position: string }) => ({ ...e, position: undefined });
    for (const streamId of [...a.streams.keys()].slice(0, 40)) {
      assert.deepEqual((await final.events.readStream(streamId)).map(strip), (await origin.events.readStream(streamId)).map(strip), streamId);
    }

    const diffs = await shadowProjections(origin.events, final.events, {
      projections: orderProjections, upcaster, scratch: () => ({ search: new InMemorySearchIndex(), checkpoints: new InMemoryCheckpointStore() }),
    });
    for (const d of diffs) {
      assert.ok(d.sourceDocuments > 0, `${d.projection}: built documents`);
      assert.equal(d.targetDocuments, d.sourceDocuments, d.projection);
      assert.deepEqual(d.differing, [], `${d.projection}: differing documents`);
    }
  });
});
