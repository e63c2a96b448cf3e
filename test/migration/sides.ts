/**
 * Migration sides for the rehearsal tests, built directly on each server's stores (the same
 * classes the manifests' factories build), each event store with a ReplayClock so that imports
 * keep recordedAt. Every side owns fresh tables / containers / collections / schemas.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Firestore } from '@google-cloud/firestore';
import { AppendImporter, ReplayClock, type MigrationTarget } from '../../runtime/core/migration';
import type { CheckpointStore, EventStore, SnapshotStore } from '../../runtime/ports';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { SqliteSnapshotStore } from '../../runtime/adapters/local/SqliteSnapshotStore';
import { SqliteCheckpointStore } from '../../runtime/adapters/local/SqliteCheckpointStore';
import { PostgresEventStore } from '../../runtime/adapters/selfhosted/PostgresEventStore';
import { PostgresSnapshotStore } from '../../runtime/adapters/selfhosted/PostgresSnapshotStore';
import { PostgresCheckpointStore } from '../../runtime/adapters/selfhosted/PostgresCheckpointStore';
import type { PostgresConnection } from '../../runtime/adapters/selfhosted/postgres/connection';
import { DynamoDbEventStore } from '../../runtime/adapters/aws/DynamoDbEventStore';
import { DynamoDbSnapshotStore } from '../../runtime/adapters/aws/DynamoDbSnapshotStore';
import { DynamoDbCheckpointStore } from '../../runtime/adapters/aws/DynamoDbCheckpointStore';
import type { NexusTableNames } from '../../runtime/adapters/aws/dynamoDbSchema';
import { CosmosEventStore } from '../../runtime/adapters/azure/CosmosEventStore';
import { CosmosSnapshotStore } from '../../runtime/adapters/azure/CosmosSnapshotStore';
import { CosmosCheckpointStore } from '../../runtime/adapters/azure/CosmosCheckpointStore';
import { FirestoreEventStore } from '../../runtime/adapters/gcp/FirestoreEventStore';
import { FirestoreSnapshotStore } from '../../runtime/adapters/gcp/FirestoreSnapshotStore';
import { FirestoreCheckpointStore } from '../../runtime/adapters/gcp/FirestoreCheckpointStore';
import type { RunningServer } from '../aws/support/processServer';
import { freshContainer } from '../azure/cosmosFixture';

export interface Side extends MigrationTarget {
  readonly name: string;
  readonly clock: ReplayClock;
  readonly snapshots: SnapshotStore;
  close(): Promise<void>;
}

function side(name: string, clock: ReplayClock, events: EventStore, snapshots: SnapshotStore, checkpoints: CheckpointStore, drop?: () => Promise<void>): Side {
  return {
    name, clock, events, snapshots, checkpoints, importer: new AppendImporter(events, clock),
    close: async () => {
      await Promise.allSettled([events.close(), snapshots.close(), checkpoints.close()]);
      await drop?.();
    },
  };
}

export function sqliteSide(name = 'sqlite', path = join(mkdtempSync(join(tmpdir(), 'nexus-mig-')), 'events.db')): Side & { path: string } {
  const clock = new ReplayClock();
  return { ...side(name, clock, new SqliteEventStore({ path, clock }), new SqliteSnapshotStore({ path }), new SqliteCheckpointStore({ path })), path };
}

export function postgresSide(connect: () => PostgresConnection): Side {
  const clock = new ReplayClock();
  // One pool per store (each closes its own).
  const events = new PostgresEventStore({ connection: connect(), clock });
  // The native importer (one transaction per page), as `nexus migrate` picks it.
  return { ...side('postgres', clock, events, new PostgresSnapshotStore({ connection: connect() }), new PostgresCheckpointStore({ connection: connect() })), importer: events };
}

export function dynamoSide(client: DynamoDBClient, t: NexusTableNames): Side {
  // DynamoDB Local is slow (~170 writes/s) and its global log contends under many writers.
  const clock = new ReplayClock();
  return side('dynamodb', clock, new DynamoDbEventStore({ client, table: t.eventsTable, clock }),
    new DynamoDbSnapshotStore({ client, table: t.snapshotsTable }), new DynamoDbCheckpointStore({ client, table: t.checkpointsTable }));
}

export async function cosmosSide(server: RunningServer): Promise<Side> {
  const clock = new ReplayClock();
  // One at a time: the server answers concurrent createIfNotExists of the database with a conflict.
  const ev = await freshContainer(server, 'events');
  const sn = await freshContainer(server, 'snapshots');
  const cp = await freshContainer(server, 'checkpoints');
  return side('cosmos', clock, new CosmosEventStore({ container: ev.container, clock, settleMs: 50 }),
    new CosmosSnapshotStore({ container: sn.container }), new CosmosCheckpointStore({ container: cp.container }),
    async () => { await Promise.all([ev.drop(), sn.drop(), cp.drop()]); });
}

export function firestoreSide(firestore: Firestore): Side {
  const clock = new ReplayClock();
  const collectionPrefix = `mig${randomUUID().replace(/-/g, '').slice(0, 10)}_`;
  return side('firestore', clock, new FirestoreEventStore({ firestore, collectionPrefix, clock, settleMs: 50 }),
    new FirestoreSnapshotStore({ firestore, collectionPrefix }), new FirestoreCheckpointStore({ firestore, collectionPrefix }));
}
