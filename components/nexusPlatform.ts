/**
 * NexusPlatform: the whole platform on one cloud — event store, bus, schema registry, search,
 * notifications, runtime and observability — composed from the cloud-neutral components with
 * one provider, exporting the deploy → runtime `manifest`.
 */
import * as pulumi from '@pulumi/pulumi';
import type { NexusManifest } from '../runtime/manifest';
import type { NexusConfig } from './config';
import type { SchemaDefinition } from './args';
import { TOKENS } from './tokens';
import { childName } from './naming';
import { pulumiOptions, providerFor, type NexusComponentOptions } from './base';
import { assembleManifest, placementFrom } from './manifest';
import { EventStore } from './eventStore';
import { EventBus } from './eventBus';
import { SchemaRegistry } from './schemaRegistry';
import { SearchIndex } from './searchIndex';
import { Notifications } from './notifications';
import { Runtime } from './runtime';
import { Observability } from './observability';

export interface NexusPlatformArgs {
  /** The decoded stack config (plain: it shapes the resources); required. */
  readonly config: NexusConfig;
  /** Every schema version in schemas/, read by index.ts; default []. */
  readonly schemas?: readonly SchemaDefinition[];
  /** "<project>/<stack>" recorded in the manifest; default `${pulumi.getProject()}/${pulumi.getStack()}`. */
  readonly stackName?: string;
  /** Directory of the shared runtime bundle; default "dist/runtime". */
  readonly bundleDir?: string;
}

export class NexusPlatform extends pulumi.ComponentResource {
  readonly manifest: pulumi.Output<NexusManifest>;
  readonly apiUrl: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: NexusPlatformArgs, opts?: NexusComponentOptions) {
    super(TOKENS.platform, name, {}, pulumiOptions(opts));
    const { config } = args;
    const placement = placementFrom(config);
    const provider = providerFor(placement, opts);
    const child: NexusComponentOptions = { parent: this, nexusProvider: provider };
    const stack = args.stackName ?? `${pulumi.getProject()}/${pulumi.getStack()}`;

    const eventStore = new EventStore(childName(name, 'store'), { placement, idempotencyTtlHours: config.retention.idempotencyHours }, child);
    const bus = new EventBus(childName(name, 'bus'), {
      placement,
      retentionHours: config.retention.busHours,
      partitions: config.throughput.busPartitions,
      consumerGroups: config.consumerGroups,
      deadLetterRetentionDays: config.retention.deadLetterDays,
    }, child);
    const registry = new SchemaRegistry(childName(name, 'registry'), { placement, schemas: args.schemas ?? [] }, child);
    const search = new SearchIndex(childName(name, 'search'), { placement, size: config.searchSize }, child);
    const notifications = new Notifications(childName(name, 'notifications'), { placement }, child);

    const sections = pulumi.all([eventStore.manifest, bus.manifest, registry.manifest, search.manifest, notifications.manifest]);
    const runtimeManifest = sections.apply(([es, b, r, s, n]) =>
      assembleManifest(config, stack, { eventStore: es, bus: b, registry: r, search: s, notifications: n }));

    const runtime = new Runtime(childName(name, 'runtime'), {
      placement,
      manifest: runtimeManifest,
      ...(args.bundleDir ? { bundleDir: args.bundleDir } : {}),
      eventStore: eventStore.outputs,
      bus: bus.outputs,
      registry: registry.outputs,
      search: search.outputs,
      notifications: notifications.outputs,
      consumerGroups: config.consumerGroups,
      memoryMb: config.runtimeMemoryMb,
      snapshotScheduleMinutes: config.snapshots.scheduleMinutes,
      logRetentionDays: config.retention.logDays,
      ...(config.auth ? { auth: config.auth } : {}),
    }, child);
    const observability = new Observability(childName(name, 'observability'), {
      placement,
      eventStore: eventStore.outputs,
      bus: bus.outputs,
      search: search.outputs,
      runtime: runtime.outputs,
      alarmEmails: config.alarms.emails,
      dlqDepthThreshold: config.alarms.dlqDepthThreshold,
      relayLagSeconds: config.alarms.relayLagSeconds,
      ...(config.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: config.monthlyBudgetUsd } : {}),
    }, child);

    this.apiUrl = runtime.apiUrl;
    this.dashboardUrl = observability.dashboardUrl;
    this.manifest = pulumi
      .all([sections, runtime.apiUrl, runtime.websocketUrl])
      .apply(([[es, b, r, s, n], url, ws]) =>
        assembleManifest(config, stack, { eventStore: es, bus: b, registry: r, search: s, notifications: n }, {
          api: { url, ...(ws ? { websocketUrl: ws } : {}) },
          nativeTarget: observability.outputs.nativeTarget,
        }));
    this.registerOutputs({ manifest: this.manifest, apiUrl: this.apiUrl, dashboardUrl: this.dashboardUrl });
  }
}
