/**
 * Log retention for the GCP runtime: a dedicated Cloud Logging bucket with the stack's retention
 * (`nexus:logRetentionDays`) and a sink routing the two Cloud Run services' logs into it, instead
 * of changing the project's shared `_Default` bucket. Same-project log buckets need no writer grant.
 */
import * as pulumi from '@pulumi/pulumi';
import * as logging from '@pulumi/gcp/logging';
import type { GcpContext } from './common';

/** Cloud Logging accepts 1..3650 days on user-defined buckets. */
export function logRetention(days: number): number {
  return Math.min(3650, Math.max(1, Math.round(days)));
}

export function runtimeLogs(name: string, ctx: GcpContext, retentionDays: pulumi.Input<number>, services: ReadonlyArray<pulumi.Input<string>>, parent: pulumi.Resource): logging.ProjectBucketConfig {
  const bucket = new logging.ProjectBucketConfig(`${name}-logs`, {
    project: ctx.project,
    location: ctx.region,
    bucketId: `${name}-logs`.slice(0, 100),
    retentionDays: pulumi.output(retentionDays).apply(logRetention),
    description: `Nexus ${name}: Cloud Run logs`,
  }, { parent });
  const filter = pulumi.all([...services]).apply((names: string[]) =>
    `resource.type = "cloud_run_revision" AND resource.labels.service_name = (${names.map((n) => `"${n}"`).join(' OR ')})`);
  new logging.ProjectSink(`${name}-logs-sink`, {
    project: ctx.project,
    name: `${name}-logs`,
    destination: pulumi.interpolate`logging.googleapis.com/projects/${ctx.project}/locations/${ctx.region}/buckets/${bucket.bucketId}`,
    filter,
    uniqueWriterIdentity: true,
    description: 'Routes the Nexus runtime services\' logs into their retention bucket.',
  }, { parent });
  return bucket;
}
