/**
 * What drives the GCP worker service: one Pub/Sub push subscription per consumer group and bus
 * path (ordered on the core path, dead-letter topic + max attempts + exponential retry on every
 * one), the Eventarc Firestore trigger that wakes the relay when an event document is created,
 * and the Cloud Scheduler jobs for time-based snapshots and saga timeouts (every minute). All of
 * them authenticate to the internal-only worker with the `invoker` identity's OIDC token.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as eventarc from '@pulumi/gcp/eventarc';
import * as cloudscheduler from '@pulumi/gcp/cloudscheduler';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import type { GcpContext } from './common';
import { subscriptionId } from './naming';
import type { RuntimeIdentity } from './runtimeIdentity';

/** The worker's internal routes (runtime/entrypoints/gcp-cloudrun.ts). */
export const WORKER_PATHS = {
  consume: '/_nexus/consume', relay: '/_nexus/relay', snapshots: '/_nexus/snapshots', sagaTimeouts: '/_nexus/saga-timeouts',
} as const;

/** Push requests must be answered within the ack deadline; projections batch within it. */
export const PUSH_ACK_DEADLINE_S = 60;
export const RETRY_POLICY = { minimumBackoff: '10s', maximumBackoff: '600s' } as const;
/**
 * The runtime dead-letters a message itself after maxAttempts (publishing it with the error to the
 * dead-letter topic, ADR 0062); Pub/Sub's own policy is the backstop one attempt later, for a
 * consumer that crashes before it can. Pub/Sub accepts 5..100.
 */
export function backstopAttempts(maxAttempts: number): number {
  return Math.min(100, Math.max(5, maxAttempts + 1));
}

/** Pub/Sub keeps unacked messages at most 7 days on a subscription. */
export const SUBSCRIPTION_RETENTION = '604800s';

export interface PushArgs {
  readonly busName: pulumi.Input<string>;
  readonly groups: readonly string[];
  readonly coreTopicId: pulumi.Input<string>;
  readonly noncriticalTopicId: pulumi.Input<string>;
  readonly deadLetterTopicId: pulumi.Input<string>;
  readonly maxDeliveryAttempts: pulumi.Input<number>;
  readonly pubsubAgentMember: pulumi.Input<string>;
  readonly workerUrl: pulumi.Input<string>;
  readonly invoker: RuntimeIdentity;
}

export function pushSubscriptions(name: string, ctx: GcpContext, a: PushArgs, parent: pulumi.Resource): pubsub.Subscription[] {
  // Pub/Sub mints the push OIDC tokens as the invoker (explicit for projects older than 2021).
  new serviceaccount.IAMMember(`${name}-pubsub-token-creator`, {
    serviceAccountId: pulumi.interpolate`projects/${ctx.project}/serviceAccounts/${a.invoker.email}`, role: 'roles/iam.serviceAccountTokenCreator', member: a.pubsubAgentMember,
  }, { parent });
  const subs: pubsub.Subscription[] = [];
  for (const group of a.groups) {
    for (const path of ['core', 'noncritical'] as const) {
      const id = pulumi.output(a.busName).apply((bus) => subscriptionId(bus, group, path));
      const sub = new pubsub.Subscription(`${name}-${group}-${path}`, {
        project: ctx.project,
        name: id,
        topic: path === 'core' ? a.coreTopicId : a.noncriticalTopicId,
        enableMessageOrdering: path === 'core',
        ackDeadlineSeconds: PUSH_ACK_DEADLINE_S,
        messageRetentionDuration: SUBSCRIPTION_RETENTION,
        expirationPolicy: { ttl: '' },
        retryPolicy: { ...RETRY_POLICY },
        deadLetterPolicy: { deadLetterTopic: a.deadLetterTopicId, maxDeliveryAttempts: pulumi.output(a.maxDeliveryAttempts).apply(backstopAttempts) },
        pushConfig: {
          // The worker finds the group and path from the push body's `subscription` (manifest bus.subscriptions).
          pushEndpoint: pulumi.interpolate`${a.workerUrl}${WORKER_PATHS.consume}`,
          oidcToken: { serviceAccountEmail: a.invoker.email, audience: a.workerUrl },
        },
        labels: { ...ctx.labels, 'nexus-role': `consumer-${path}`, 'nexus-group': group },
      }, { parent });
      // The service agent must be able to ack on this subscription to forward to the dead-letter topic.
      new pubsub.SubscriptionIAMMember(`${name}-${group}-${path}-agent`, {
        project: ctx.project, subscription: sub.name, role: 'roles/pubsub.subscriber', member: a.pubsubAgentMember,
      }, { parent });
      subs.push(sub);
    }
  }
  return subs;
}

export interface RelayTriggerArgs {
  readonly storeDatabaseId: pulumi.Input<string>;
  readonly collectionPrefix: pulumi.Input<string>;
  readonly workerServiceName: pulumi.Input<string>;
  readonly invoker: RuntimeIdentity;
}

/**
 * Eventarc Firestore triggers are at-least-once and unordered, so the relay treats each one as a
 * wake-up and reads the global log from its checkpoint; order comes from the log, not the trigger.
 */
export function relayTrigger(name: string, ctx: GcpContext, a: RelayTriggerArgs, parent: pulumi.Resource, dependsOn: pulumi.Resource[]): eventarc.Trigger {
  return new eventarc.Trigger(`${name}-relay-trigger`, {
    project: ctx.project,
    name: `${name}-relay`,
    location: ctx.region,
    matchingCriterias: [
      { attribute: 'type', value: 'google.cloud.firestore.document.v1.created' },
      { attribute: 'database', value: a.storeDatabaseId },
      { attribute: 'document', value: pulumi.interpolate`${a.collectionPrefix}events/{event}`, operator: 'match-path-pattern' },
    ],
    eventDataContentType: 'application/protobuf',
    destination: { cloudRunService: { service: a.workerServiceName, region: ctx.region, path: WORKER_PATHS.relay } },
    serviceAccount: a.invoker.email,
    labels: ctx.labels,
  }, { parent, dependsOn });
}

/** Cron for "every N minutes" (N in 1..59 runs on minute multiples; longer periods run hourly multiples). */
export function everyMinutesCron(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) throw new Error(`snapshot schedule: ${minutes} minutes; expected an integer >= 1`);
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.max(1, Math.round(minutes / 60));
  return hours >= 24 ? '0 0 * * *' : `0 */${hours} * * *`;
}

interface WorkerJob {
  readonly suffix: string;
  readonly description: string;
  readonly schedule: pulumi.Input<string>;
  readonly path: string;
  readonly attemptDeadline: string;
  readonly retryConfig: { readonly retryCount: number; readonly minBackoffDuration: string; readonly maxBackoffDuration: string };
}

/** A Cloud Scheduler job POSTing to a worker path with the invoker's OIDC token; a non-2xx answer is retried. */
function workerJob(name: string, ctx: GcpContext, job: WorkerJob, workerUrl: pulumi.Input<string>, invoker: RuntimeIdentity, parent: pulumi.Resource): cloudscheduler.Job {
  return new cloudscheduler.Job(`${name}-${job.suffix}`, {
    project: ctx.project,
    region: ctx.region,
    name: `${name}-${job.suffix}`,
    description: job.description,
    schedule: job.schedule,
    timeZone: 'Etc/UTC',
    attemptDeadline: job.attemptDeadline,
    retryConfig: { ...job.retryConfig },
    httpTarget: {
      httpMethod: 'POST',
      uri: pulumi.interpolate`${workerUrl}${job.path}`,
      oidcToken: { serviceAccountEmail: invoker.email, audience: workerUrl },
    },
  }, { parent });
}

export function snapshotSchedule(name: string, ctx: GcpContext, minutes: pulumi.Input<number>, workerUrl: pulumi.Input<string>, invoker: RuntimeIdentity, parent: pulumi.Resource): cloudscheduler.Job {
  return workerJob(name, ctx, {
    suffix: 'snapshots',
    description: 'Snapshot streams that went quiet with unsnapshotted events (manifest snapshots.maxAgeSeconds).',
    schedule: pulumi.output(minutes).apply(everyMinutesCron),
    path: WORKER_PATHS.snapshots,
    attemptDeadline: '320s',
    retryConfig: { retryCount: 3, minBackoffDuration: '30s', maxBackoffDuration: '300s' },
  }, workerUrl, invoker, parent);
}

/** Every minute: a due saga timeout fires at most about a minute late (see providers/aws/runtime.ts). */
export const SAGA_TIMEOUT_CRON = '* * * * *';

/**
 * Fires every due saga timeout. Retries are short, within the minute until the next run (which
 * would pick the still-due timeouts up anyway); the deadline stays under the worker's 600 s.
 */
export function sagaTimeoutSchedule(name: string, ctx: GcpContext, workerUrl: pulumi.Input<string>, invoker: RuntimeIdentity, parent: pulumi.Resource): cloudscheduler.Job {
  return workerJob(name, ctx, {
    suffix: 'saga-timeouts',
    description: 'Fire every due saga timeout (orders whose payment never arrives are cancelled and their stock released).',
    schedule: SAGA_TIMEOUT_CRON,
    path: WORKER_PATHS.sagaTimeouts,
    attemptDeadline: '180s',
    retryConfig: { retryCount: 2, minBackoffDuration: '10s', maxBackoffDuration: '30s' },
  }, workerUrl, invoker, parent);
}
