/**
 * Azure Notifications: Web PubSub. Browsers must reach it, so the public network accepts client
 * connections only; server connections, the REST API and tracing are denied publicly and the
 * runtime uses a private endpoint. Access keys are disabled: the runtime mints client tokens with
 * its managed identity. One hub, anonymous connections denied.
 */
import * as pulumi from '@pulumi/pulumi';
import * as webpubsub from '@pulumi/azure-native/webpubsub';
import type { NotificationsArgs } from '../../components/args';
import type { NotificationsOutputs } from '../../components/outputs';
import type { NotifierManifest } from '../../runtime/manifest';
import { globalName } from './naming';
import { foundationOf, type AzureState } from './state';

export const HUB = 'nexus';

export function azureNotifications(state: AzureState, name: string, args: NotificationsArgs, parent: pulumi.ComponentResource): NotificationsOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const { ctx } = f;
  const resourceName = globalName(`${name}-wps`, ctx.seed, 63);
  const wps = new webpubsub.WebPubSub(`${name}-wps`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    resourceName,
    kind: 'WebPubSub',
    sku: { name: 'Standard_S1', tier: 'Standard', capacity: 1 },
    disableLocalAuth: true,
    disableAadAuth: false,
    publicNetworkAccess: 'Enabled',
    networkACLs: {
      defaultAction: 'Allow',
      publicNetwork: { allow: ['ClientConnection'], deny: ['ServerConnection', 'RESTAPI', 'Trace'] },
    },
    tls: { clientCertEnabled: false },
    identity: { type: 'UserAssigned', userAssignedIdentities: [f.identity.id] },
    tags: ctx.tags,
  }, { parent });
  f.privateEndpoint(`${name}-wps`, wps.id, 'webpubsub', 'privatelink.webpubsub.azure.com', parent);
  new webpubsub.WebPubSubHub(`${name}-hub`, {
    resourceGroupName: f.resourceGroupName,
    resourceName: wps.id.apply(() => resourceName),
    hubName: HUB,
    properties: { anonymousConnectPolicy: 'Deny' },
  }, { parent });
  const endpoint = `https://${resourceName}.webpubsub.azure.com`;
  const manifest: pulumi.Output<NotifierManifest> = wps.id.apply(() => ({ kind: 'webpubsub' as const, endpoint, hub: HUB }));
  return {
    manifest,
    refs: { webPubSubId: wps.id, websocketUrl: pulumi.output(`wss://${resourceName}.webpubsub.azure.com/client/hubs/${HUB}`) },
  };
}
