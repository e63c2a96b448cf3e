/** The CloudWatch dashboard body for one Nexus platform, as a pure function of resource names. */

export interface DashboardNames {
  readonly table: string;
  readonly stream: string;
  readonly dlqs: Readonly<Record<string, string>>;
  readonly functions: Readonly<Record<string, string>>;
}

type Metric = [string, string, ...string[]];

function widget(title: string, metrics: Metric[], region: string, x: number, y: number, stat = 'Sum'): object {
  return { type: 'metric', x, y, width: 12, height: 6, properties: { title, metrics, region, stat, period: 60, view: 'timeSeries' } };
}

export function dashboardBody(region: string, n: DashboardNames): string {
  const fns = Object.entries(n.functions);
  const widgets = [
    widget('Event store: writes and throttles', [
      ['AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'TableName', n.table],
      ['AWS/DynamoDB', 'ThrottledRequests', 'TableName', n.table],
    ], region, 0, 0),
    widget('Core stream: records in and iterator age', [
      ['AWS/Kinesis', 'IncomingRecords', 'StreamName', n.stream],
      ['AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', 'StreamName', n.stream],
    ], region, 12, 0),
    widget('Relay lag (ms)', [['AWS/Lambda', 'IteratorAge', 'FunctionName', n.functions.relay ?? '']], region, 0, 6, 'Maximum'),
    widget('Dead letters', Object.values(n.dlqs).map((q): Metric => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', q]), region, 12, 6, 'Maximum'),
    widget('Function errors', fns.map(([, f]): Metric => ['AWS/Lambda', 'Errors', 'FunctionName', f]), region, 0, 12),
    widget('Function throttles', fns.map(([, f]): Metric => ['AWS/Lambda', 'Throttles', 'FunctionName', f]), region, 12, 12),
  ];
  return JSON.stringify({ widgets });
}
