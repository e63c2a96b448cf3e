/**
 * Least-privilege identities of the GCP runtime (ADR 0122): an `api` and a `worker` service
 * account with data roles scoped to the two Firestore databases (IAM conditions on the database
 * name) and to specific topics/subscriptions, and an `invoker` account that Pub/Sub push,
 * Eventarc and Cloud Scheduler present to the worker. No basic roles, no keys.
 */
import * as pulumi from '@pulumi/pulumi';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as projects from '@pulumi/gcp/projects';
import * as pubsub from '@pulumi/gcp/pubsub';
import type { GcpContext } from './common';
import { serviceAccountId } from './naming';

export interface RuntimeIdentity {
  readonly account: serviceaccount.Account;
  readonly email: pulumi.Output<string>;
  readonly member: pulumi.Output<string>;
}

/** Write-only telemetry roles every Cloud Run identity needs (logs, metrics, traces). */
export const TELEMETRY_ROLES = ['roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/cloudtrace.agent'] as const;

/** Read-only access to Pub/Sub schemas, as a custom role (pubsub.viewer would expose all topics). */
export const SCHEMA_READER_PERMISSIONS = ['pubsub.schemas.get', 'pubsub.schemas.list', 'pubsub.schemas.listRevisions', 'pubsub.schemas.validate'] as const;

/** IAM condition that limits a Firestore role to one database. */
export function databaseCondition(project: string, databaseId: string): { title: string; expression: string } {
  return { title: `only database ${databaseId}`, expression: `resource.name == "projects/${project}/databases/${databaseId}"` };
}

export function identity(name: string, duty: string, ctx: GcpContext, parent: pulumi.Resource): RuntimeIdentity {
  const account = new serviceaccount.Account(
    `${name}-${duty}-sa`,
    { project: ctx.project, accountId: serviceAccountId(`${name}-${duty}`), displayName: `Nexus ${name} ${duty}`, description: `Nexus runtime identity: ${duty}` },
    { parent },
  );
  // Computed from the id (not read back) so the address is known at plan time.
  const email = account.accountId.apply((id) => `${id}@${ctx.project}.iam.gserviceaccount.com`);
  return { account, email, member: email.apply((e) => `serviceAccount:${e}`) };
}

export interface RuntimeGrants {
  readonly storeDatabaseId: pulumi.Input<string>;
  readonly searchDatabaseId: pulumi.Input<string>;
  readonly coreTopicId: pulumi.Input<string>;
  readonly noncriticalTopicId: pulumi.Input<string>;
  readonly notificationTopicId: pulumi.Input<string>;
  readonly deadLetterTopicId: pulumi.Input<string>;
  readonly deadLetterSubscriptionId: pulumi.Input<string>;
  readonly fanoutRoleId: pulumi.Input<string>;
}

/** Every grant of the api and worker identities; returns the grant resources for dependsOn. */
export function grantRuntime(name: string, ctx: GcpContext, api: RuntimeIdentity, worker: RuntimeIdentity, g: RuntimeGrants, parent: pulumi.Resource): pulumi.Resource[] {
  const out: pulumi.Resource[] = [];
  const schemaReader = new projects.IAMCustomRole(
    `${name}-schema-reader`,
    {
      project: ctx.project,
      roleId: `${name.replace(/[^A-Za-z0-9]/g, '_')}_schema_reader`.slice(0, 64),
      title: `Nexus ${name} schema reader`,
      description: 'Read Pub/Sub schemas (the runtime validates events against them).',
      permissions: [...SCHEMA_READER_PERMISSIONS],
      stage: 'GA',
    },
    { parent },
  );
  const schemaReaderId = schemaReader.roleId.apply((id) => `projects/${ctx.project}/roles/${id}`);
  for (const [duty, who] of [['api', api], ['worker', worker]] as const) {
    for (const [db, id] of [['store', g.storeDatabaseId], ['search', g.searchDatabaseId]] as const) {
      out.push(new projects.IAMMember(`${name}-${duty}-datastore-${db}`, {
        project: ctx.project, role: 'roles/datastore.user', member: who.member,
        condition: pulumi.output(id).apply((dbId) => databaseCondition(ctx.project, dbId)),
      }, { parent }));
    }
    for (const role of TELEMETRY_ROLES) {
      out.push(new projects.IAMMember(`${name}-${duty}-${role.split('/')[1]}`, { project: ctx.project, role, member: who.member }, { parent }));
    }
    out.push(new projects.IAMMember(`${name}-${duty}-schemas`, { project: ctx.project, role: schemaReaderId, member: who.member }, { parent }));
    // Relay (worker) publishes; the API republishes on redrive. Both publish notifications, and
    // consumers dead-letter by publishing to the dead-letter topic themselves (with the error).
    for (const [topic, id] of [['core', g.coreTopicId], ['noncritical', g.noncriticalTopicId], ['notifications', g.notificationTopicId], ['deadletter', g.deadLetterTopicId]] as const) {
      out.push(new pubsub.TopicIAMMember(`${name}-${duty}-publish-${topic}`, { project: ctx.project, topic: id, role: 'roles/pubsub.publisher', member: who.member }, { parent }));
    }
  }
  // The API lists/redrives/purges dead letters and attaches its notification fan-out subscription.
  out.push(new pubsub.SubscriptionIAMMember(`${name}-api-deadletters`, { project: ctx.project, subscription: g.deadLetterSubscriptionId, role: 'roles/pubsub.subscriber', member: api.member }, { parent }));
  // CloudRunWebSocketNotifier (ADR 0066) attaches a per-instance subscription to the fan-out topic
  // in every process that builds it, the worker included (its projections publish notifications).
  for (const [duty, who] of [['api', api], ['worker', worker]] as const) {
    out.push(new pubsub.TopicIAMMember(`${name}-${duty}-fanout-attach`, { project: ctx.project, topic: g.notificationTopicId, role: 'roles/pubsub.subscriber', member: who.member }, { parent }));
    out.push(new projects.IAMMember(`${name}-${duty}-fanout`, { project: ctx.project, role: g.fanoutRoleId, member: who.member }, { parent }));
  }
  return out;
}
