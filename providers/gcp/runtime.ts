/**
 * GCP Runtime: identities and grants (./runtimeIdentity.ts), the api and worker Cloud Run
 * services (./runtimeServices.ts) and what drives the worker (./runtimeTriggers.ts): push
 * subscriptions per consumer group, the Eventarc relay trigger, the snapshot and saga timeout
 * schedulers — and the log bucket that keeps the services' logs for the stack's retention
 * (./runtimeLogs.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudrunv2 from '@pulumi/gcp/cloudrunv2';
import * as projects from '@pulumi/gcp/projects';
import type { RuntimeArgs } from '../../components/args';
import type { RuntimeOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import { requireRef } from '../../components/naming';
import { gcpContext } from './common';
import { cloudRunServiceName } from './naming';
import { cloudRunUrl } from './notifications';
import { grantRuntime, identity } from './runtimeIdentity';
import { runtimeService, runtimeSource } from './runtimeServices';
import { pushSubscriptions, relayTrigger, sagaTimeoutSchedule, snapshotSchedule } from './runtimeTriggers';
import { runtimeLogs } from './runtimeLogs';

export function gcpRuntime(name: string, args: RuntimeArgs, parent: pulumi.ComponentResource): RuntimeOutputs {
  const ctx = gcpContext(args.placement, parent);
  const ref = (refs: RuntimeArgs['bus']['refs'], key: string) => requireRef(refs, key, `GCP runtime ${name}`);
  const groups = args.consumerGroups ?? DEFAULTS.consumerGroups;
  const projectNumber = ref(args.notifications.refs, 'projectNumber');

  const api = identity(name, 'api', ctx, parent);
  const worker = identity(name, 'worker', ctx, parent);
  const invoker = identity(name, 'invoker', ctx, parent);
  const grants = grantRuntime(name, ctx, api, worker, {
    storeDatabaseId: ref(args.eventStore.refs, 'databaseId'),
    searchDatabaseId: ref(args.search.refs, 'databaseId'),
    coreTopicId: ref(args.bus.refs, 'coreTopicId'),
    noncriticalTopicId: ref(args.bus.refs, 'noncriticalTopicId'),
    notificationTopicId: ref(args.notifications.refs, 'topicId'),
    deadLetterTopicId: ref(args.bus.refs, 'deadLetterTopicId'),
    deadLetterSubscriptionId: ref(args.bus.refs, 'deadLetterSubscriptionId'),
    fanoutRoleId: ref(args.notifications.refs, 'fanoutRoleId'),
  }, parent);

  const source = runtimeSource(name, ctx, args.bundleDir ?? DEFAULTS.bundleDir, parent);
  const memoryMb = args.memoryMb ?? DEFAULTS.memoryMb;
  const apiName = ref(args.notifications.refs, 'apiServiceName');
  const workerName = cloudRunServiceName(`${name}-worker`);
  // The API service name was fixed by the notifications component (its URL is in the manifest).
  const apiSvc = runtimeService(name, ctx, { serviceName: apiName, role: 'api', email: api.email, manifest: args.manifest, source, memoryMb, dependsOn: grants, ...(args.auth ? { auth: args.auth } : {}) }, parent);
  const workerSvc = runtimeService(name, ctx, { serviceName: workerName, role: 'worker', email: worker.email, manifest: args.manifest, source, memoryMb, dependsOn: grants }, parent);

  // The API is the one public endpoint (authentication is the runtime's JWT check).
  new cloudrunv2.ServiceIamMember(`${name}-api-public`, { project: ctx.project, location: ctx.region, name: apiSvc.name, role: 'roles/run.invoker', member: 'allUsers' }, { parent });
  const workerInvoker = new cloudrunv2.ServiceIamMember(`${name}-worker-invoker`, { project: ctx.project, location: ctx.region, name: workerSvc.name, role: 'roles/run.invoker', member: invoker.member }, { parent });
  const receiver = new projects.IAMMember(`${name}-invoker-event-receiver`, { project: ctx.project, role: 'roles/eventarc.eventReceiver', member: invoker.member }, { parent });

  const urlOf = (svc: cloudrunv2.Service, serviceName: pulumi.Input<string>) =>
    pulumi.all([svc.uri, serviceName, projectNumber]).apply(([uri, n, num]) => uri || cloudRunUrl(n, num, ctx.region));
  const apiUrl = urlOf(apiSvc, apiName);
  const workerUrl = urlOf(workerSvc, workerName);

  pushSubscriptions(name, ctx, {
    busName: ref(args.bus.refs, 'busName'),
    groups,
    coreTopicId: ref(args.bus.refs, 'coreTopicId'),
    noncriticalTopicId: ref(args.bus.refs, 'noncriticalTopicId'),
    deadLetterTopicId: ref(args.bus.refs, 'deadLetterTopicId'),
    maxDeliveryAttempts: ref(args.bus.refs, 'maxDeliveryAttempts').apply(Number),
    pubsubAgentMember: ref(args.bus.refs, 'pubsubAgentMember'),
    workerUrl,
    invoker,
  }, parent);
  relayTrigger(name, ctx, {
    storeDatabaseId: ref(args.eventStore.refs, 'databaseId'),
    collectionPrefix: ref(args.eventStore.refs, 'collectionPrefix'),
    workerServiceName: workerSvc.name,
    invoker,
  }, parent, [workerInvoker, receiver]);
  snapshotSchedule(name, ctx, args.snapshotScheduleMinutes ?? DEFAULTS.snapshotScheduleMinutes, workerUrl, invoker, parent);
  sagaTimeoutSchedule(name, ctx, workerUrl, invoker, parent);
  runtimeLogs(name, ctx, args.logRetentionDays ?? DEFAULTS.logRetentionDays, [apiSvc.name, workerSvc.name], parent);

  return {
    apiUrl,
    websocketUrl: apiUrl.apply((u) => `${u.replace(/^https:/, 'wss:')}/ws`),
    refs: { apiServiceName: apiSvc.name, workerServiceName: workerSvc.name, workerUrl, apiEmail: api.email, workerEmail: worker.email },
  };
}
