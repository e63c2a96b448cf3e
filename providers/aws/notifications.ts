/**
 * AWS Notifications: an API Gateway WebSocket API (routes are attached by the runtime, whose
 * API function handles $connect/$disconnect/$default) with a throttled stage, and a DynamoDB
 * connections table (CMK, PITR, TTL on idle connections) the notifier pushes through.
 */
import * as pulumi from '@pulumi/pulumi';
import * as apigatewayv2 from '@pulumi/aws/apigatewayv2';
import * as dynamodb from '@pulumi/aws/dynamodb';
import type { NotificationsArgs } from '../../components/args';
import type { NotificationsOutputs } from '../../components/outputs';
import { childName } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { awsTags, customerKey } from './common';
import { tableBase } from './eventStore';

export const WEBSOCKET_STAGE = 'live';

export function awsNotifications(name: string, args: NotificationsArgs, parent: pulumi.ComponentResource): NotificationsOutputs {
  const { placement } = args;
  const region = placement.region;
  const tags = awsTags(placement, 'notifications');
  const key = customerKey(childName(name, 'key'), 'nexus notifications', placement, parent);

  const connections = new dynamodb.Table(childName(name, 'connections'), {
    ...tableBase(placement, key, 'notifications'),
    hashKey: 'pk',
    attributes: [{ name: 'pk', type: 'S' }],
    ttl: { attributeName: 'ttl', enabled: true },
  }, { parent });

  const api = new apigatewayv2.Api(childName(name, 'ws'), {
    region,
    protocolType: 'WEBSOCKET',
    routeSelectionExpression: '$request.body.action',
    description: 'Nexus notifications (WebSocket)',
    tags,
  }, { parent });
  const stage = new apigatewayv2.Stage(childName(name, 'ws-stage'), {
    region,
    apiId: api.id,
    name: WEBSOCKET_STAGE,
    autoDeploy: true,
    defaultRouteSettings: { throttlingBurstLimit: 500, throttlingRateLimit: 1000 },
    tags,
  }, { parent });

  const managementEndpoint = pulumi.interpolate`https://${api.id}.execute-api.${region}.amazonaws.com/${stage.name}`;
  return {
    manifest: pulumi.all([managementEndpoint, connections.name]).apply(([endpoint, table]) => ({
      kind: 'apigateway-websocket' as const, region, managementEndpoint: endpoint, connectionsTable: table,
    })),
    refs: {
      keyArn: key.arn,
      connectionsTableArn: connections.arn,
      websocketApiId: api.id,
      websocketExecutionArn: api.executionArn,
      websocketStageName: stage.name,
      websocketUrl: stage.invokeUrl,
      connectionTtlHours: pulumi.output(args.connectionTtlHours ?? DEFAULTS.connectionTtlHours).apply(String),
    },
  };
}
