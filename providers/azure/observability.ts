/**
 * Azure Observability: an action group e-mailing the configured addresses, metric alerts on the
 * platform's signals (Cosmos DB throttling, Event Hubs throttling and server errors, API 5xx, and
 * the runtime's custom metrics for dead letters, relay lag and consumer lag in Application
 * Insights), a log alert on failed timer runs (snapshots, saga timeouts: the Functions host has no
 * dead-letter queue for them), a monthly cost budget on the resource group when configured, and a
 * shared workbook charting the signals.
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitor from '@pulumi/azure-native/monitor';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights';
import * as consumption from '@pulumi/azure-native/consumption';
import type { ObservabilityArgs } from '../../components/args';
import type { ObservabilityOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import { requireRef } from '../../components/naming';
import { foundationOf, type AzureState } from './state';
import { stableGuid } from './naming';
import { alertSignals, scheduledFailureQuery, SCHEDULED_FUNCTIONS, workbookJson } from './observabilitySignals';

/** Budgets start on the first day of a month; the current month's, fixed after creation. */
export function budgetStart(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01T00:00:00Z`;
}

export function azureObservability(state: AzureState, name: string, args: ObservabilityArgs, parent: pulumi.ComponentResource): ObservabilityOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const { ctx } = f;
  const ref = (refs: ObservabilityArgs['bus']['refs'], key: string) => requireRef(refs, key, `Azure observability ${name}`);
  const emails = args.alarmEmails ?? [];
  const group = new monitor.ActionGroup(`${name}-oncall`, {
    resourceGroupName: f.resourceGroupName,
    location: 'Global',
    groupShortName: 'nexus',
    enabled: true,
    emailReceivers: emails.map((email, i) => ({ name: `email-${i}`, emailAddress: email, useCommonAlertSchema: true })),
    tags: ctx.tags,
  }, { parent });

  const signals = alertSignals(name, {
    cosmosAccountId: ref(args.eventStore.refs, 'cosmosAccountId'),
    eventHubsNamespaceId: ref(args.bus.refs, 'namespaceId'),
    functionAppId: ref(args.runtime.refs, 'functionAppId'),
    appInsightsId: ref(args.runtime.refs, 'appInsightsId'),
  }, {
    dlqDepth: args.dlqDepthThreshold ?? DEFAULTS.dlqDepthThreshold,
    relayLagSeconds: args.relayLagSeconds ?? DEFAULTS.relayLagSeconds,
  });
  const alarms: string[] = [];
  for (const s of signals) {
    new monitor.MetricAlert(`${name}-${s.id}`, {
      resourceGroupName: f.resourceGroupName,
      location: 'global',
      description: s.description,
      severity: s.severity,
      enabled: true,
      scopes: [s.scope],
      evaluationFrequency: 'PT1M',
      windowSize: s.window,
      autoMitigate: true,
      criteria: {
        odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [{
          criterionType: 'StaticThresholdCriterion',
          name: s.id,
          metricName: s.metric,
          metricNamespace: s.namespace,
          operator: 'GreaterThan',
          threshold: s.threshold,
          timeAggregation: s.aggregation,
          ...(s.dimensions ? { dimensions: s.dimensions } : {}),
          ...(s.custom ? { skipMetricValidation: true } : {}),
        }],
      },
      actions: [{ actionGroupId: group.id }],
      tags: ctx.tags,
    }, { parent });
    alarms.push(`${name}-${s.id}`);
  }

  // Failed timer invocations, one alert per function (dimension `name`), evaluated every 5 minutes
  // over the last 10 (Application Insights ingestion can lag a few minutes).
  new monitor.ScheduledQueryRule(`${name}-scheduler-failures`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    kind: 'LogAlert',
    displayName: `${name}: scheduled runs failing`,
    description: `${name}: snapshot or saga timeout runs failing (timer functions ${SCHEDULED_FUNCTIONS.join(', ')}); stuck saga timeouts leave orders holding their stock`,
    severity: 1,
    enabled: true,
    scopes: [ref(args.runtime.refs, 'appInsightsId')],
    evaluationFrequency: 'PT5M',
    windowSize: 'PT10M',
    autoMitigate: true,
    criteria: {
      allOf: [{
        query: scheduledFailureQuery(),
        timeAggregation: 'Count',
        operator: 'GreaterThan',
        threshold: 0,
        dimensions: [{ name: 'name', operator: 'Include', values: [...SCHEDULED_FUNCTIONS] }],
        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
      }],
    },
    actions: { actionGroups: [group.id] },
    tags: ctx.tags,
  }, { parent });
  alarms.push(`${name}-scheduler-failures`);

  if (args.monthlyBudgetUsd !== undefined) {
    const notify = (threshold: number, thresholdType: 'Actual' | 'Forecasted') => ({
      enabled: true, operator: 'GreaterThanOrEqualTo', threshold, thresholdType, contactEmails: [...emails], contactGroups: [group.id],
    });
    new consumption.Budget(`${name}-budget`, {
      scope: pulumi.interpolate`/subscriptions/${f.subscriptionId}/resourceGroups/${f.resourceGroupName}`,
      amount: args.monthlyBudgetUsd,
      category: 'Cost',
      timeGrain: 'Monthly',
      timePeriod: { startDate: budgetStart(new Date()) },
      notifications: { actual80: notify(80, 'Actual'), forecast100: notify(100, 'Forecasted') },
    }, { parent, ignoreChanges: ['timePeriod'] });
    alarms.push(`${name}-budget`);
  }

  const workbookId = stableGuid(`${ctx.seed}/${name}/workbook`);
  const workbook = new applicationinsights.Workbook(`${name}-workbook`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    resourceName: workbookId,
    kind: 'shared',
    category: 'workbook',
    displayName: `Nexus ${name}`,
    sourceId: ref(args.runtime.refs, 'appInsightsId'),
    serializedData: pulumi.all(signals.map((s) => pulumi.output(s.scope))).apply((scopes) => JSON.stringify(workbookJson(signals.map((s, i) => ({ ...s, scope: scopes[i] ?? '' }))))),
    tags: ctx.tags,
  }, { parent });
  const dashboardUrl = workbook.id.apply((id) => `https://portal.azure.com/#resource${id || `/workbooks/${workbookId}`}/workbook`);
  return { dashboardUrl, nativeTarget: 'application-insights', alarms, refs: { actionGroupId: group.id } };
}
