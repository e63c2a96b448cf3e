/**
 * The runtime's public entry points on AWS: an API Gateway HTTP API (the only public data-plane
 * endpoint, throttled, access-logged) proxying to the API function, and the $connect /
 * $disconnect / $default routes of the notifications WebSocket API, handled by the same function.
 */
import * as pulumi from '@pulumi/pulumi';
import * as apigatewayv2 from '@pulumi/aws/apigatewayv2';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as lambda from '@pulumi/aws/lambda';
import type { Placement } from '../../components/args';
import type { ProviderRefs } from '../../components/outputs';
import { childName, requireRef } from '../../components/naming';
import { awsTags } from './common';

export const WEBSOCKET_ROUTES = ['$connect', '$disconnect', '$default'] as const;

export function httpApi(
  name: string, placement: Placement, fn: lambda.Function, logRetentionDays: pulumi.Input<number>, parent: pulumi.Resource,
): pulumi.Output<string> {
  const region = placement.region;
  const tags = awsTags(placement, 'runtime');
  const api = new apigatewayv2.Api(childName(name, 'http'), { region, protocolType: 'HTTP', description: 'Nexus command/query API', tags }, { parent });
  const integration = new apigatewayv2.Integration(childName(name, 'http-lambda'), {
    region, apiId: api.id, integrationType: 'AWS_PROXY', integrationUri: fn.arn, payloadFormatVersion: '2.0', timeoutMilliseconds: 29000,
  }, { parent });
  new apigatewayv2.Route(childName(name, 'http-default'), {
    region, apiId: api.id, routeKey: '$default', target: pulumi.interpolate`integrations/${integration.id}`,
  }, { parent });
  const accessLogs = new cloudwatch.LogGroup(childName(name, 'http-access'), { region, retentionInDays: logRetentionDays, tags }, { parent });
  const stage = new apigatewayv2.Stage(childName(name, 'http-stage'), {
    region,
    apiId: api.id,
    name: '$default',
    autoDeploy: true,
    defaultRouteSettings: { throttlingBurstLimit: 1000, throttlingRateLimit: 2000 },
    accessLogSettings: {
      destinationArn: accessLogs.arn,
      format: JSON.stringify({
        requestId: '$context.requestId', ip: '$context.identity.sourceIp', routeKey: '$context.routeKey',
        status: '$context.status', latency: '$context.responseLatency', error: '$context.integrationErrorMessage',
      }),
    },
    tags,
  }, { parent });
  new lambda.Permission(childName(name, 'http-invoke'), {
    region, action: 'lambda:InvokeFunction', function: fn.name, principal: 'apigateway.amazonaws.com',
    sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
  }, { parent });
  return stage.invokeUrl;
}

export function websocketRoutes(name: string, placement: Placement, fn: lambda.Function, notifications: ProviderRefs, parent: pulumi.Resource): void {
  const region = placement.region;
  const apiId = requireRef(notifications, 'websocketApiId', 'aws runtime');
  const executionArn = requireRef(notifications, 'websocketExecutionArn', 'aws runtime');
  const integration = new apigatewayv2.Integration(childName(name, 'ws-lambda'), {
    region, apiId, integrationType: 'AWS_PROXY', integrationUri: fn.invokeArn, contentHandlingStrategy: 'CONVERT_TO_TEXT',
  }, { parent });
  for (const routeKey of WEBSOCKET_ROUTES) {
    new apigatewayv2.Route(childName(name, `ws-${routeKey.slice(1)}`), {
      region, apiId, routeKey, target: pulumi.interpolate`integrations/${integration.id}`,
    }, { parent });
  }
  new lambda.Permission(childName(name, 'ws-invoke'), {
    region, action: 'lambda:InvokeFunction', function: fn.name, principal: 'apigateway.amazonaws.com',
    sourceArn: pulumi.interpolate`${executionArn}/*/*`,
  }, { parent });
}
