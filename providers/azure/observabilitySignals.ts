/**
 * The signals Azure Observability alerts on and charts, as data (pure): platform metrics of
 * Cosmos DB, Event Hubs and the Function App, plus the custom metrics the runtime emits to
 * Application Insights (Event Hubs has no broker-side dead-letter count or consumer lag), and the
 * log query over failed timer invocations (snapshots, saga timeouts).
 */
import * as pulumi from '@pulumi/pulumi';

export interface AlertSignal {
  readonly id: string;
  readonly description: string;
  readonly scope: pulumi.Input<string>;
  readonly metric: string;
  readonly namespace: string;
  readonly threshold: pulumi.Input<number>;
  readonly aggregation: 'Average' | 'Maximum' | 'Total' | 'Count';
  readonly window: string;
  readonly severity: number;
  readonly dimensions?: Array<{ name: string; operator: 'Include'; values: string[] }>;
  /** A custom (runtime-emitted) metric: Azure cannot validate it before it has data. */
  readonly custom?: boolean;
}

/**
 * The runtime's OpenTelemetry instruments (runtime/core/observability) as the Azure Monitor
 * exporter publishes them to Application Insights: same names; the lags are in milliseconds.
 */
export const CUSTOM_METRICS = {
  deadLetters: 'nexus.dlq.depth',
  relayLag: 'nexus.relay.lag',
  consumerLag: 'nexus.projection.lag',
} as const;
const ms = (seconds: pulumi.Input<number>) => pulumi.output(seconds).apply((s) => s * 1000);

export interface SignalScopes {
  readonly cosmosAccountId: pulumi.Input<string>;
  readonly eventHubsNamespaceId: pulumi.Input<string>;
  readonly functionAppId: pulumi.Input<string>;
  readonly appInsightsId: pulumi.Input<string>;
}

export function alertSignals(name: string, s: SignalScopes, t: { dlqDepth: pulumi.Input<number>; relayLagSeconds: pulumi.Input<number> }): AlertSignal[] {
  const ai = 'azure.applicationinsights';
  return [
    { id: 'dlq-depth', description: `${name}: dead letters waiting (nexus dlq list)`, scope: s.appInsightsId, metric: CUSTOM_METRICS.deadLetters, namespace: ai, custom: true,
      threshold: pulumi.output(t.dlqDepth).apply((d) => Math.max(0, d - 1)), aggregation: 'Maximum', window: 'PT5M', severity: 1 },
    { id: 'relay-lag', description: `${name}: stored events are not reaching Event Hubs`, scope: s.appInsightsId, metric: CUSTOM_METRICS.relayLag, namespace: ai, custom: true,
      threshold: ms(t.relayLagSeconds), aggregation: 'Maximum', window: 'PT5M', severity: 1 },
    { id: 'consumer-lag', description: `${name}: projections or sagas falling behind`, scope: s.appInsightsId, metric: CUSTOM_METRICS.consumerLag, namespace: ai, custom: true,
      threshold: ms(t.relayLagSeconds), aggregation: 'Maximum', window: 'PT5M', severity: 2 },
    { id: 'cosmos-throttling', description: `${name}: Cosmos DB requests throttled (429)`, scope: s.cosmosAccountId, metric: 'TotalRequests', namespace: 'Microsoft.DocumentDB/databaseAccounts',
      threshold: 0, aggregation: 'Count', window: 'PT5M', severity: 2, dimensions: [{ name: 'StatusCode', operator: 'Include', values: ['429'] }] },
    { id: 'eventhubs-throttling', description: `${name}: Event Hubs requests throttled`, scope: s.eventHubsNamespaceId, metric: 'ThrottledRequests', namespace: 'Microsoft.EventHub/namespaces',
      threshold: 0, aggregation: 'Total', window: 'PT5M', severity: 2 },
    { id: 'eventhubs-errors', description: `${name}: Event Hubs server errors`, scope: s.eventHubsNamespaceId, metric: 'ServerErrors', namespace: 'Microsoft.EventHub/namespaces',
      threshold: 0, aggregation: 'Total', window: 'PT5M', severity: 2 },
    { id: 'api-5xx', description: `${name}: API answers 5xx`, scope: s.functionAppId, metric: 'Http5xx', namespace: 'Microsoft.Web/sites',
      threshold: 1, aggregation: 'Total', window: 'PT5M', severity: 1 },
  ];
}

/** A workbook with one metrics chart per signal (Azure Workbooks "Notebook/1.0" JSON). */
export function workbookJson(signals: ReadonlyArray<{ id: string; description: string; scope: string; metric: string; namespace: string; aggregation: string }>): object {
  const aggregation = { Average: 4, Maximum: 3, Total: 1, Count: 7 } as Record<string, number>;
  return {
    version: 'Notebook/1.0',
    items: [
      { type: 1, content: { json: '# Nexus platform\nDead letters, relay and consumer lag, throttling, API errors.' }, name: 'title' },
      ...signals.map((s) => ({
        type: 10,
        name: s.id,
        content: {
          version: 'MetricsItem/2.0',
          size: 0,
          chartType: 2,
          resourceIds: [s.scope],
          timeContext: { durationMs: 86_400_000 },
          metrics: [{ namespace: s.namespace, metric: `${s.namespace}--${s.metric}`, aggregation: aggregation[s.aggregation] ?? 3 }],
          title: s.description,
        },
      })),
    ],
    isLocked: false,
  };
}

/**
 * The Function App's timer functions, as runtime/entrypoints/azureFunctionsRegistration.ts
 * registers them (`registrar.timer(name, ...)`); the Functions host records each invocation as an
 * Application Insights request named after the function, `success == false` when it throws.
 */
export const SCHEDULED_FUNCTIONS = ['snapshots', 'sagaTimeouts'] as const;

/** Kusto over Application Insights `requests`: failed invocations of the timer functions, one row each. */
export function scheduledFailureQuery(functions: readonly string[] = SCHEDULED_FUNCTIONS): string {
  if (functions.length === 0) throw new Error('scheduled failure query: no function names');
  for (const f of functions) if (!/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(f)) throw new Error(`scheduled failure query: ${JSON.stringify(f)} is not a function name`);
  return [
    'requests',
    `| where name in (${functions.map((f) => `"${f}"`).join(', ')}) and success == false`,
    '| project timestamp, name, resultCode, operation_Id',
  ].join('\n');
}
