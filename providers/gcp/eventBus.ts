/**
 * GCP EventBus: Pub/Sub topics for the core path (published with ordering keys = stream id) and
 * the non-critical path, a dead-letter topic with a pull subscription for inspection/redrive,
 * and the grants the Pub/Sub service agent needs to dead-letter into it. Consumer-group push
 * subscriptions are created by the runtime (they push to its worker service) with the names
 * this component puts in the manifest; `subscriptionId` keeps both sides in step.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as projects from '@pulumi/gcp/projects';
import type { EventBusArgs } from '../../components/args';
import type { EventBusOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import type { EventBusManifest } from '../../runtime/manifest';
import { deletionPolicy, gcpContext, storeOptions, type GcpContext } from './common';
import { componentKeys } from './kms';
import { pubsubId, subscriptionId } from './naming';

/** Pub/Sub caps subscription retention at 7 days and topic retention at 31 days. */
export const MAX_SUBSCRIPTION_RETENTION_S = 7 * 24 * 3600;
export const MAX_TOPIC_RETENTION_S = 31 * 24 * 3600;

export function seconds(n: number): string {
  return `${Math.round(n)}s`;
}

export function gcpEventBus(name: string, args: EventBusArgs, parent: pulumi.ComponentResource): EventBusOutputs {
  const ctx = gcpContext(args.placement, parent);
  const groups = args.consumerGroups ?? DEFAULTS.consumerGroups;
  const retentionHours = pulumi.output(args.retentionHours ?? DEFAULTS.busRetentionHours);
  const dlqDays = pulumi.output(args.deadLetterRetentionDays ?? DEFAULTS.deadLetterRetentionDays);
  const maxAttempts = pulumi.output(args.maxDeliveryAttempts ?? DEFAULTS.maxDeliveryAttempts);

  const agent = new projects.ServiceIdentity(`${name}-pubsub-agent`, { project: ctx.project, service: 'pubsub.googleapis.com' }, { parent });
  const cmk = ctx.cmek ? componentKeys(name, ctx, parent).key('pubsub', agent.member) : undefined;
  const kmsKeyName = cmk?.key.id;

  const topic = (suffix: string, retention: pulumi.Input<string>, role: string): pubsub.Topic =>
    new pubsub.Topic(
      `${name}-${suffix}`,
      {
        project: ctx.project,
        name: pubsubId(`${name}-${suffix}`),
        messageRetentionDuration: retention,
        messageStoragePolicy: { allowedPersistenceRegions: [ctx.region] },
        labels: { ...ctx.labels, 'nexus-role': role },
        deletionPolicy: deletionPolicy(ctx),
        ...(kmsKeyName ? { kmsKeyName } : {}),
      },
      storeOptions(ctx, parent, { dependsOn: cmk ? [cmk.grant] : [] }),
    );

  const busRetention = retentionHours.apply((h) => seconds(Math.min(h * 3600, MAX_TOPIC_RETENTION_S)));
  const core = topic('core', busRetention, 'core');
  const noncritical = topic('noncritical', busRetention, 'noncritical');
  const deadLetter = topic('deadletter', dlqDays.apply((d) => seconds(Math.min(d * 86400, MAX_TOPIC_RETENTION_S))), 'deadletter');

  // The service agent republishes undeliverable messages into the dead-letter topic.
  new pubsub.TopicIAMMember(`${name}-deadletter-agent-publisher`, { project: ctx.project, topic: deadLetter.name, role: 'roles/pubsub.publisher', member: agent.member }, { parent });

  const inspect = deadLetterInspection(name, ctx, deadLetter, dlqDays, parent);

  const subscriptions: Record<string, { core: string; noncritical: string }> = {};
  for (const g of groups) subscriptions[g] = { core: subscriptionId(name, g, 'core'), noncritical: subscriptionId(name, g, 'noncritical') };

  const manifest: pulumi.Output<EventBusManifest> = pulumi
    .all([core.name, noncritical.name, deadLetter.name])
    .apply(([c, n, d]) => ({ kind: 'pubsub' as const, projectId: ctx.project, coreTopic: c, noncriticalTopic: n, deadLetterTopic: d, subscriptions }));
  return {
    manifest,
    refs: {
      busName: pulumi.output(name),
      coreTopicId: core.id,
      noncriticalTopicId: noncritical.id,
      deadLetterTopicId: deadLetter.id,
      deadLetterSubscriptionId: inspect.id,
      pubsubAgentMember: agent.member,
      maxDeliveryAttempts: maxAttempts.apply(String),
      ...(kmsKeyName ? { kmsKeyId: kmsKeyName } : {}),
    },
  };
}

/**
 * The dead-letter topic's own pull subscription: the DLQ the runtime lists, redrives and purges.
 * It is the terminal queue, so it has no dead-letter policy of its own; it never expires and
 * keeps acked messages for the retention window so a purge can be audited.
 */
function deadLetterInspection(
  name: string, ctx: GcpContext, deadLetter: pubsub.Topic, dlqDays: pulumi.Output<number>, parent: pulumi.Resource,
): pubsub.Subscription {
  return new pubsub.Subscription(
    `${name}-deadletter-inspect`,
    {
      project: ctx.project,
      name: pubsubId(`${name}-deadletter-inspect`),
      topic: deadLetter.id,
      ackDeadlineSeconds: 60,
      messageRetentionDuration: dlqDays.apply((d) => seconds(Math.min(d * 86400, MAX_SUBSCRIPTION_RETENTION_S))),
      retainAckedMessages: false,
      expirationPolicy: { ttl: '' },
      labels: { ...ctx.labels, 'nexus-role': 'deadletter' },
      deletionPolicy: deletionPolicy(ctx),
    },
    storeOptions(ctx, parent),
  );
}
