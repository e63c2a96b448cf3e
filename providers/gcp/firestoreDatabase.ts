/**
 * One protected Firestore (Native mode) database, shared by the event store and the read-model
 * store: point-in-time recovery on, delete protection outside dev, customer-managed key in prod
 * (granted to the Firestore service agent), and a daily backup schedule.
 */
import * as pulumi from '@pulumi/pulumi';
import * as firestore from '@pulumi/gcp/firestore';
import * as projects from '@pulumi/gcp/projects';
import type { GcpContext } from './common';
import { deletionPolicy, storeOptions } from './common';
import { componentKeys } from './kms';
import { firestoreDatabaseId } from './naming';

/** Daily backups are kept this long (PITR covers the last 7 days at minute granularity). */
export const BACKUP_RETENTION = '1209600s'; // 14 days

export interface ProtectedDatabase {
  readonly database: firestore.Database;
  /** Database id (the last segment of its resource name). */
  readonly databaseId: pulumi.Output<string>;
  readonly keyId?: pulumi.Output<string>;
}

export function protectedFirestoreDatabase(name: string, ctx: GcpContext, parent: pulumi.Resource): ProtectedDatabase {
  let cmekConfig: firestore.DatabaseArgs['cmekConfig'];
  const dependsOn: pulumi.Resource[] = [];
  let keyId: pulumi.Output<string> | undefined;
  if (ctx.cmek) {
    const agent = new projects.ServiceIdentity(`${name}-firestore-agent`, { project: ctx.project, service: 'firestore.googleapis.com' }, { parent });
    const { key, grant } = componentKeys(name, ctx, parent).key('firestore', agent.member);
    cmekConfig = { kmsKeyName: key.id };
    keyId = key.id;
    dependsOn.push(grant);
  }
  const database = new firestore.Database(
    `${name}-db`,
    {
      project: ctx.project,
      name: firestoreDatabaseId(name),
      locationId: ctx.region,
      type: 'FIRESTORE_NATIVE',
      concurrencyMode: 'OPTIMISTIC',
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
      deleteProtectionState: ctx.protect ? 'DELETE_PROTECTION_ENABLED' : 'DELETE_PROTECTION_DISABLED',
      deletionPolicy: deletionPolicy(ctx),
      appEngineIntegrationMode: 'DISABLED',
      ...(cmekConfig ? { cmekConfig } : {}),
    },
    storeOptions(ctx, parent, { dependsOn }),
  );
  new firestore.BackupSchedule(
    `${name}-backups`,
    { project: ctx.project, database: database.name, retention: BACKUP_RETENTION, dailyRecurrence: {} },
    { parent },
  );
  return { database, databaseId: database.name, ...(keyId ? { keyId } : {}) };
}
