/**
 * GCP Notifications: WebSockets are served by the API Cloud Run service itself; a Pub/Sub topic
 * fans notifications out to every API instance (each instance attaches its own short-lived
 * subscription, so a client connected to any instance receives its stream's updates). This
 * component also fixes the API service name, so the manifest can carry the service's
 * deterministic URL (https://<service>-<project number>.<region>.run.app) before it exists.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as organizations from '@pulumi/gcp/organizations';
import * as projects from '@pulumi/gcp/projects';
import type { NotificationsArgs } from '../../components/args';
import type { NotificationsOutputs } from '../../components/outputs';
import type { NotifierManifest } from '../../runtime/manifest';
import { gcpContext } from './common';
import { componentKeys } from './kms';
import { cloudRunServiceName, pubsubId } from './naming';

/** Notifications are ephemeral: an instance that was down misses nothing it could still deliver. */
export const NOTIFICATION_RETENTION = '600s';

/** Permissions an API instance needs to attach, read and remove its own fan-out subscription. */
export const FANOUT_PERMISSIONS = [
  'pubsub.subscriptions.create',
  'pubsub.subscriptions.delete',
  'pubsub.subscriptions.get',
  'pubsub.subscriptions.consume',
] as const;

export function cloudRunUrl(service: string, projectNumber: string, region: string): string {
  return `https://${service}-${projectNumber}.${region}.run.app`;
}

export function gcpNotifications(name: string, args: NotificationsArgs, parent: pulumi.ComponentResource): NotificationsOutputs {
  const ctx = gcpContext(args.placement, parent);
  const agent = ctx.cmek ? new projects.ServiceIdentity(`${name}-pubsub-agent`, { project: ctx.project, service: 'pubsub.googleapis.com' }, { parent }) : undefined;
  const cmk = agent ? componentKeys(name, ctx, parent).key('pubsub', agent.member) : undefined;
  const kmsKeyName = cmk?.key.id;
  const topic = new pubsub.Topic(
    `${name}-fanout`,
    {
      project: ctx.project,
      name: pubsubId(`${name}-fanout`),
      messageRetentionDuration: NOTIFICATION_RETENTION,
      messageStoragePolicy: { allowedPersistenceRegions: [ctx.region] },
      labels: { ...ctx.labels, 'nexus-role': 'notifications' },
      ...(kmsKeyName ? { kmsKeyName } : {}),
    },
    { parent, dependsOn: cmk ? [cmk.grant] : [] },
  );
  // A custom role instead of pubsub.editor: only what a per-instance subscription needs.
  const fanoutRole = new projects.IAMCustomRole(
    `${name}-fanout-role`,
    {
      project: ctx.project,
      roleId: `${name.replace(/[^A-Za-z0-9]/g, '_')}_fanout`.slice(0, 64),
      title: `Nexus ${name} notification fan-out`,
      description: 'Create, read and delete the per-instance subscription of the notification fan-out topic.',
      permissions: [...FANOUT_PERMISSIONS],
      stage: 'GA',
    },
    { parent },
  );
  // `<platform>-notifications` → `<platform>-api`: the service is the platform's API, not this component's.
  const apiService = cloudRunServiceName(`${name.replace(/-notifications$/, '')}-api`);
  const projectNumber = organizations.getProjectOutput({ projectId: ctx.project }, { parent }).apply((p) => String(p.number));
  const serviceUrl = projectNumber.apply((n) => cloudRunUrl(apiService, n, ctx.region));
  const manifest: pulumi.Output<NotifierManifest> = pulumi
    .all([topic.name, serviceUrl])
    .apply(([t, url]) => ({ kind: 'cloudrun-websocket' as const, serviceUrl: url, projectId: ctx.project, topic: t }));
  return {
    manifest,
    refs: { topicId: topic.id, topicName: topic.name, apiServiceName: pulumi.output(apiService), fanoutRoleId: fanoutRole.roleId.apply((id) => `projects/${ctx.project}/roles/${id}`), projectNumber },
  };
}
