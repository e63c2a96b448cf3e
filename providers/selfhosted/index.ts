/**
 * The self-hosted Nexus provider: the team runs PostgreSQL, NATS JetStream and the Nexus runtime
 * (which serves the Confluent-compatible registry API); this provider turns their connection
 * settings into the manifest and, when a password is configured, creates the PostgreSQL schema
 * with @pulumi/postgresql. It creates no servers. Loaded only through components/providerRegistry.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import type { NexusProvider } from '../../components/provider';
import { selfhostedEventStore, postgresSection } from './eventStore';
import { settingsOf, STREAM_PREFIX } from './settings';

/** Where the runtime serves its API when nexus:selfhostedApiUrl is not set. */
export const DEFAULT_API_URL = 'http://localhost:3000';

export function createProvider(): NexusProvider {
  return {
    cloud: 'selfhosted',
    eventStore: selfhostedEventStore,
    eventBus: (_name, args, parent) => {
      const s = settingsOf(args.placement, parent);
      return { manifest: pulumi.output({ kind: 'jetstream' as const, servers: [...s.natsServers], streamPrefix: STREAM_PREFIX }), refs: {} };
    },
    schemaRegistry: (_name, args, parent) => {
      const s = settingsOf(args.placement, parent);
      // The runtime registers the schemas in its registry on start (`nexus schemas register` for later versions).
      return {
        manifest: pulumi.output({ kind: 'confluent' as const, url: `${(s.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, '')}/registry` }),
        registered: (args.schemas ?? []).map((d) => `${d.subject}@${d.version}`),
        refs: {},
      };
    },
    searchIndex: (_name, args, parent) => ({ manifest: pulumi.output(postgresSection(settingsOf(args.placement, parent))), refs: {} }),
    notifications: () => ({ manifest: pulumi.output({ kind: 'websocket-local' as const }), refs: {} }),
    runtime: (_name, args, parent) => ({ apiUrl: pulumi.output(settingsOf(args.placement, parent).apiUrl ?? DEFAULT_API_URL), refs: {} }),
    observability: () => ({ dashboardUrl: pulumi.output(''), nativeTarget: 'otlp', alarms: [], refs: {} }),
  };
}
