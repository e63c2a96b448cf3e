/**
 * The one registry of Nexus component type tokens (`nexus:<module>:<Type>`). Every component's
 * constructor passes its token from here, so URNs stay stable and the policy pack can match them.
 */
export const TOKENS = {
  platform: 'nexus:platform:NexusPlatform',
  eventStore: 'nexus:eventstore:EventStore',
  eventBus: 'nexus:eventbus:EventBus',
  schemaRegistry: 'nexus:schemaregistry:SchemaRegistry',
  searchIndex: 'nexus:searchindex:SearchIndex',
  notifications: 'nexus:notifications:Notifications',
  runtime: 'nexus:runtime:Runtime',
  observability: 'nexus:observability:Observability',
} as const;

export type ComponentKey = keyof typeof TOKENS;
export type ComponentToken = (typeof TOKENS)[ComponentKey];

/** True when `type` is one of the Nexus component tokens (used by graph capture and `nexus plan`). */
export function isComponentToken(type: string): type is ComponentToken {
  return (Object.values(TOKENS) as string[]).includes(type);
}
