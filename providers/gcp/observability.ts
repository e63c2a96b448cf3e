/**
 * GCP Observability: Cloud Monitoring alert policies (dead letters waiting, push subscriptions
 * falling behind = relay/consumer lag, Firestore contention/throttling, API 5xx, failed Cloud
 * Scheduler attempts of the snapshot and saga timeout jobs via a log-based metric) notifying the
 * configured e-mail channels, and one dashboard over the same signals.
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitoring from '@pulumi/gcp/monitoring';
import * as logging from '@pulumi/gcp/logging';
import type { ObservabilityArgs } from '../../components/args';
import type { ObservabilityOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import { gcpContext } from './common';
import { requireRef } from '../../components/naming';
import { dashboardJson, type AlertSpec, alertSpecs, schedulerFailureLogFilter } from './observabilitySignals';

export function gcpObservability(name: string, args: ObservabilityArgs, parent: pulumi.ComponentResource): ObservabilityOutputs {
  const ctx = gcpContext(args.placement, parent);
  const channels = (args.alarmEmails ?? []).map((email, i) =>
    new monitoring.NotificationChannel(`${name}-email-${i}`, {
      project: ctx.project, type: 'email', displayName: `Nexus ${name} ${email}`, labels: { email_address: email }, userLabels: ctx.labels,
    }, { parent }).name);

  const ref = (refs: ObservabilityArgs['bus']['refs'], key: string) => requireRef(refs, key, `GCP observability ${name}`);
  // Cloud Scheduler has no dead-letter queue: count its failed attempts from its logs instead.
  const schedulerFailures = new logging.Metric(`${name}-scheduler-failures`, {
    project: ctx.project,
    name: `${name}-scheduler-failures`,
    description: 'Failed Cloud Scheduler attempts of the Nexus snapshot and saga timeout jobs (worker non-2xx or no answer).',
    filter: ref(args.runtime.refs, 'workerUrl').apply(schedulerFailureLogFilter),
    metricDescriptor: {
      metricKind: 'DELTA', valueType: 'INT64', unit: '1', displayName: `Nexus ${name} scheduler failures`,
      labels: [{ key: 'job_id', valueType: 'STRING', description: 'Cloud Scheduler job id' }],
    },
    labelExtractors: { job_id: 'EXTRACT(resource.labels.job_id)' },
  }, { parent });
  const specs: AlertSpec[] = alertSpecs(name, {
    dlqDepth: args.dlqDepthThreshold ?? DEFAULTS.dlqDepthThreshold,
    relayLagSeconds: args.relayLagSeconds ?? DEFAULTS.relayLagSeconds,
  }, {
    deadLetterSubscription: ref(args.bus.refs, 'deadLetterSubscriptionId'),
    busName: ref(args.bus.refs, 'busName'),
    apiService: ref(args.runtime.refs, 'apiServiceName'),
    storeDatabase: ref(args.eventStore.refs, 'databaseId'),
    schedulerFailureMetric: schedulerFailures.name,
  });
  const alarms: string[] = [];
  for (const spec of specs) {
    new monitoring.AlertPolicy(`${name}-${spec.id}`, {
      project: ctx.project,
      displayName: spec.displayName,
      combiner: 'OR',
      severity: spec.severity,
      conditions: [{
        displayName: spec.displayName,
        conditionThreshold: {
          filter: spec.filter,
          comparison: 'COMPARISON_GT',
          thresholdValue: spec.threshold,
          duration: spec.duration,
          aggregations: [{ alignmentPeriod: spec.alignmentPeriod ?? '60s', perSeriesAligner: spec.aligner, ...(spec.reducer ? { crossSeriesReducer: spec.reducer } : {}) }],
        },
      }],
      documentation: { content: spec.runbook, mimeType: 'text/markdown' },
      alertStrategy: { autoClose: '86400s' },
      notificationChannels: channels,
      userLabels: ctx.labels,
    }, { parent });
    alarms.push(spec.displayName);
  }
  const tiles = pulumi.all(specs.map((s) => pulumi.output(s.filter))).apply((filters) =>
    JSON.stringify(dashboardJson(name, specs.map((s, i) => ({ displayName: s.displayName, aligner: s.aligner, filter: filters[i] ?? '' })))));
  const dashboard = new monitoring.Dashboard(`${name}-dashboard`, { project: ctx.project, dashboardJson: tiles }, { parent });
  const dashboardUrl = dashboard.id.apply((id) =>
    `https://console.cloud.google.com/monitoring/dashboards/builder/${encodeURIComponent((id ?? '').split('/').pop() ?? '')}?project=${ctx.project}`);
  return { dashboardUrl, nativeTarget: 'cloud-monitoring', alarms, refs: {} };
}
