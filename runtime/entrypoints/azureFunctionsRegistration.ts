/**
 * What the Azure Function App runs: the functions the Node.js v4 programming model registers
 * (app.http / app.cosmosDB / app.eventHub / app.timer) and their bindings. A Function App finds
 * its functions only by executing package.json "main" (azure-functions-app.ts), which passes the
 * real `app` of @azure/functions here; tests pass a recording registrar. No SDK import: the
 * bindings name app settings (`%NAME%`, resolved by the Functions host) and connection prefixes
 * that providers/azure/runtime.ts sets on the Function App.
 */

/** App settings the bindings read; providers/azure/runtime.ts sets every one of them. */
export const AZURE_FUNCTION_SETTINGS = {
  /** Identity-based Cosmos DB connection prefix (`NexusCosmos__accountEndpoint`, `__credential`, `__clientId`). */
  cosmosConnection: 'NexusCosmos',
  /** Identity-based Event Hubs connection prefix (`NexusEventHubs__fullyQualifiedNamespace`, ...). */
  eventHubsConnection: 'NexusEventHubs',
  cosmosDatabase: 'NEXUS_COSMOS_DATABASE',
  eventsContainer: 'NEXUS_EVENTS_CONTAINER',
  leasesContainer: 'NEXUS_LEASES_CONTAINER',
  coreHub: 'NEXUS_CORE_HUB',
  noncriticalHub: 'NEXUS_NONCRITICAL_HUB',
  snapshotSchedule: 'NEXUS_SNAPSHOT_SCHEDULE',
  sagaTimeoutSchedule: 'NEXUS_SAGA_TIMEOUT_SCHEDULE',
  /** Comma-separated Nexus consumer groups: one Event Hubs function per group and hub. */
  consumerGroups: 'NEXUS_CONSUMER_GROUPS',
} as const;

const S = AZURE_FUNCTION_SETTINGS;
const setting = (name: string): string => `%${name}%`;

export type HubPath = 'core' | 'noncritical';
export const HUB_PATHS: readonly HubPath[] = ['core', 'noncritical'];

/** Every method the API serves (Fastify routes, CORS preflight, HEAD for GET). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Azure Functions function names: a letter, then letters, digits, `_` or `-` (128 at most). */
const FUNCTION_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;

/** The part of @azure/functions' HttpRequest the API needs. */
export interface FunctionsHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
}

export interface FunctionsHttpResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The part of @azure/functions' InvocationContext a batch handler reads. */
export interface FunctionsInvocation {
  /** Event Hubs (cardinality many): `propertiesArray[i]` holds message i's application properties. */
  readonly triggerMetadata?: Readonly<Record<string, unknown>>;
}

export type BatchHandler = (batch: unknown[], context: FunctionsInvocation) => Promise<unknown>;

/** The part of @azure/functions' `app` Nexus registers with; the real `app` satisfies it (tsc checks azure-functions-app.ts). */
export interface FunctionsRegistrar {
  http(name: string, options: {
    methods: HttpMethod[]; authLevel: 'anonymous'; route: string;
    handler: (request: FunctionsHttpRequest) => Promise<FunctionsHttpResult>;
  }): void;
  cosmosDB(name: string, options: {
    connection: string; databaseName: string; containerName: string; leaseContainerName: string;
    createLeaseContainerIfNotExists: boolean; handler: BatchHandler;
  }): void;
  eventHub(name: string, options: {
    connection: string; eventHubName: string; consumerGroup: string; cardinality: 'many'; handler: BatchHandler;
  }): void;
  timer(name: string, options: { schedule: string; handler: (timer: unknown) => Promise<unknown> }): void;
}

/** The entry point's handlers (runtime/entrypoints/azure-functions.ts). */
export interface NexusFunctionHandlers {
  readonly http: (request: FunctionsHttpRequest) => Promise<FunctionsHttpResult>;
  readonly changeFeed: BatchHandler;
  /** The batch handler of one consumer group on one hub. */
  readonly eventHub: (group: string, path: HubPath) => BatchHandler;
  readonly snapshots: (timer: unknown) => Promise<unknown>;
  readonly sagaTimeouts: (timer: unknown) => Promise<unknown>;
}

/** The Nexus consumer groups this Function App consumes (NEXUS_CONSUMER_GROUPS); throws naming the setting. */
export function consumerGroupsFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  const raw = env[S.consumerGroups];
  if (raw === undefined || raw.trim() === '') {
    throw new Error(`${S.consumerGroups}: is not set; expected the comma-separated consumer groups the Azure provider configures (e.g. "projections,sagas")`);
  }
  const groups = raw.split(',').map((g) => g.trim());
  for (const g of groups) {
    const name = consumeFunctionName(g, 'noncritical');
    if (!g || !FUNCTION_NAME.test(name)) {
      throw new Error(`${S.consumerGroups}: group "${g}" in "${raw}" cannot name a function; expected a letter, then letters, digits, "_" or "-"`);
    }
  }
  const dupes = groups.filter((g, i) => groups.indexOf(g) !== i);
  if (dupes.length > 0) throw new Error(`${S.consumerGroups}: group "${dupes[0]}" is listed twice in "${raw}"`);
  return groups;
}

export const consumeFunctionName = (group: string, path: HubPath): string => `consume-${group}-${path}`;

/**
 * Registers the Function App's functions:
 * - `api`: HTTP, every route and method, anonymous (the API verifies JWTs itself); host.json sets
 *   `extensions.http.routePrefix` to "" so paths reach the API unchanged;
 * - `relay`: Cosmos DB change feed on the events container, leases in the leases container (the
 *   provider creates it: the identity's data-plane role cannot);
 * - `consume-<group>-<core|noncritical>`: Event Hubs, a batch per invocation, per Nexus consumer
 *   group (its own Event Hubs consumer group, provisioned on both hubs);
 * - `snapshots`, `sagaTimeouts`: timers on the provider's NCRONTAB settings.
 */
export function registerNexusFunctions(registrar: FunctionsRegistrar, handlers: NexusFunctionHandlers, env: Readonly<Record<string, string | undefined>>): string[] {
  const groups = consumerGroupsFrom(env);
  registrar.http('api', { methods: [...HTTP_METHODS], authLevel: 'anonymous', route: '{*path}', handler: handlers.http });
  registrar.cosmosDB('relay', {
    connection: S.cosmosConnection,
    databaseName: setting(S.cosmosDatabase),
    containerName: setting(S.eventsContainer),
    leaseContainerName: setting(S.leasesContainer),
    createLeaseContainerIfNotExists: false,
    handler: handlers.changeFeed,
  });
  const names = ['api', 'relay'];
  for (const group of groups) {
    for (const path of HUB_PATHS) {
      const name = consumeFunctionName(group, path);
      registrar.eventHub(name, {
        connection: S.eventHubsConnection,
        eventHubName: setting(path === 'core' ? S.coreHub : S.noncriticalHub),
        consumerGroup: group,
        cardinality: 'many',
        handler: handlers.eventHub(group, path),
      });
      names.push(name);
    }
  }
  registrar.timer('snapshots', { schedule: setting(S.snapshotSchedule), handler: handlers.snapshots });
  registrar.timer('sagaTimeouts', { schedule: setting(S.sagaTimeoutSchedule), handler: handlers.sagaTimeouts });
  return [...names, 'snapshots', 'sagaTimeouts'];
}
