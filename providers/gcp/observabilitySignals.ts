/**
 * The signals GCP Observability alerts on and charts, as data: Cloud Monitoring filters for the
 * dead-letter backlog, consumer lag (oldest unacked message on the push subscriptions), relay lag
 * (the runtime's custom metric), Firestore/Pub/Sub throttling, API errors and failed Cloud
 * Scheduler attempts (snapshots, saga timeouts; a log-based metric). Pure functions.
 */
import * as pulumi from '@pulumi/pulumi';
import { WORKER_PATHS } from './runtimeTriggers';

export interface AlertSpec {
  readonly id: string;
  readonly displayName: string;
  readonly filter: pulumi.Input<string>;
  readonly threshold: pulumi.Input<number>;
  readonly duration: string;
  /** Alignment period of the condition; default 60s. */
  readonly alignmentPeriod?: string;
  readonly aligner: string;
  readonly reducer?: string;
  readonly severity: 'CRITICAL' | 'ERROR' | 'WARNING';
  readonly runbook: string;
}

export interface SignalScope {
  /** Full or short id of the dead-letter inspection subscription. */
  readonly deadLetterSubscription: pulumi.Input<string>;
  /** Prefix of the consumer push subscriptions (the bus name). */
  readonly busName: pulumi.Input<string>;
  readonly apiService: pulumi.Input<string>;
  readonly storeDatabase: pulumi.Input<string>;
  /** Name of the log-based metric counting this stack's failed scheduler attempts (schedulerFailureLogFilter). */
  readonly schedulerFailureMetric: pulumi.Input<string>;
}

/**
 * The runtime's OpenTelemetry histogram `nexus.relay.lag` (milliseconds between an event's
 * recordedAt and its publication, runtime/core/observability) as Google's OpenTelemetry exporter
 * writes it to Cloud Monitoring: `workload.googleapis.com/<instrument name>`.
 */
export const RELAY_LAG_METRIC = 'workload.googleapis.com/nexus.relay.lag';

const shortId = (id: string) => id.split('/').pop() ?? id;

/** The worker routes Cloud Scheduler calls (providers/gcp/runtimeTriggers.ts snapshotSchedule, sagaTimeoutSchedule). */
export const SCHEDULED_WORKER_PATHS = [WORKER_PATHS.snapshots, WORKER_PATHS.sagaTimeouts] as const;

/**
 * Cloud Logging filter for the failed attempts of this stack's scheduler jobs: Cloud Scheduler
 * logs every attempt as an `AttemptFinished` entry on the `cloud_scheduler_job` resource, at
 * severity ERROR when the target answered non-2xx or not at all (the worker answers 500 when a
 * run fails). The jobs are told apart by their target URL, this stack's worker and its two
 * scheduled routes (the runtime exports the worker URL, not the job names).
 */
export function schedulerFailureLogFilter(workerUrl: string): string {
  const urls = SCHEDULED_WORKER_PATHS.map((p) => JSON.stringify(`${workerUrl}${p}`)).join(' OR ');
  return [
    'resource.type = "cloud_scheduler_job"',
    'jsonPayload."@type" = "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished"',
    'severity >= ERROR',
    `jsonPayload.url = (${urls})`,
  ].join(' AND ');
}

export function alertSpecs(name: string, t: { dlqDepth: pulumi.Input<number>; relayLagSeconds: pulumi.Input<number> }, s: SignalScope): AlertSpec[] {
  return [
    {
      id: 'dlq-depth', severity: 'ERROR', displayName: `${name}: dead letters waiting`, threshold: pulumi.output(t.dlqDepth).apply((d) => Math.max(0, d - 1)),
      filter: pulumi.interpolate`resource.type = "pubsub_subscription" AND metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.labels.subscription_id = "${pulumi.output(s.deadLetterSubscription).apply(shortId)}"`,
      duration: '60s', aligner: 'ALIGN_MAX', runbook: 'Messages reached the dead-letter topic. Inspect with `nexus dlq list`, fix the cause, then `nexus dlq redrive`.',
    },
    {
      id: 'consumer-lag', severity: 'WARNING', displayName: `${name}: consumers falling behind`, threshold: t.relayLagSeconds,
      filter: pulumi.interpolate`resource.type = "pubsub_subscription" AND metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.labels.subscription_id = starts_with("${s.busName}-")`,
      duration: '300s', aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX', runbook: 'A projection or saga push subscription has unacked messages older than the threshold; check worker errors.',
    },
    {
      id: 'relay-lag', severity: 'ERROR', displayName: `${name}: relay lag`, threshold: pulumi.output(t.relayLagSeconds).apply((sec) => sec * 1000),
      filter: `metric.type = "${RELAY_LAG_METRIC}"`,
      duration: '300s', aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX', runbook: 'Stored events are not reaching the bus. Check the Eventarc trigger and the worker /relay logs.',
    },
    {
      id: 'firestore-throttling', severity: 'WARNING', displayName: `${name}: Firestore throttling`, threshold: 0,
      filter: pulumi.interpolate`resource.type = "firestore.googleapis.com/Database" AND metric.type = "firestore.googleapis.com/api/request_count" AND metric.labels.response_code = "RESOURCE_EXHAUSTED" AND resource.labels.database_id = "${s.storeDatabase}"`,
      duration: '300s', aligner: 'ALIGN_RATE', reducer: 'REDUCE_SUM', runbook: 'Firestore rejects requests (hot stream or write rate over the 500/50/5 ramp-up rule).',
    },
    {
      id: 'pubsub-throttling', severity: 'WARNING', displayName: `${name}: Pub/Sub publish throttling`, threshold: 0,
      filter: 'resource.type = "pubsub_topic" AND metric.type = "pubsub.googleapis.com/topic/send_request_count" AND metric.labels.response_code = "resource_exhausted"',
      duration: '300s', aligner: 'ALIGN_RATE', reducer: 'REDUCE_SUM', runbook: 'Publishes are throttled by quota; the relay retries, but lag will grow.',
    },
    {
      id: 'api-5xx', severity: 'ERROR', displayName: `${name}: API server errors`, threshold: 1,
      filter: pulumi.interpolate`resource.type = "cloud_run_revision" AND metric.type = "run.googleapis.com/request_count" AND metric.labels.response_code_class = "5xx" AND resource.labels.service_name = "${s.apiService}"`,
      duration: '300s', aligner: 'ALIGN_RATE', reducer: 'REDUCE_SUM', runbook: 'The API answers 5xx; check the api service logs.',
    },
    {
      // One series per job (label job_id): any failed attempt in 5 minutes, retried or not.
      id: 'scheduler-failures', severity: 'ERROR', displayName: `${name}: scheduled runs failing`, threshold: 0,
      filter: pulumi.interpolate`resource.type = "cloud_scheduler_job" AND metric.type = "logging.googleapis.com/user/${s.schedulerFailureMetric}"`,
      duration: '0s', alignmentPeriod: '300s', aligner: 'ALIGN_DELTA',
      runbook: 'A Cloud Scheduler attempt of the snapshot or saga timeout job failed (the worker answered non-2xx or timed out). Saga timeouts that keep failing leave orders holding their stock. Read the worker logs for `POST /_nexus/saga-timeouts` / `/_nexus/snapshots` (runbook: When scheduled runs fail).',
    },
  ];
}

/** A mosaic dashboard with one chart per alert signal (Cloud Monitoring dashboard JSON). */
export function dashboardJson(name: string, filters: ReadonlyArray<{ displayName: string; filter: string; aligner: string }>): object {
  return {
    displayName: `Nexus ${name}`,
    mosaicLayout: {
      columns: 12,
      tiles: filters.map((f, i) => ({
        xPos: (i % 2) * 6, yPos: Math.floor(i / 2) * 4, width: 6, height: 4,
        widget: {
          title: f.displayName,
          xyChart: { dataSets: [{ plotType: 'LINE', timeSeriesQuery: { timeSeriesFilter: { filter: f.filter, aggregation: { alignmentPeriod: '60s', perSeriesAligner: f.aligner } } } }] },
        },
      })),
    },
  };
}
