/**
 * The self-hosted provider's view of the stack config: the connection settings from Placement
 * (a ResourceError on the component when they are missing), the fixed names the runtime and
 * the provider share, and the Pulumi PostgreSQL provider for the database objects.
 */
import * as pulumi from '@pulumi/pulumi';
import * as postgresql from '@pulumi/postgresql';
import type { Placement } from '../../components/provider';
import type { SelfhostedConfig } from '../../components/config';

/** Name of the runtime secret that holds the PostgreSQL password (the manifest's passwordSecret). */
export const PASSWORD_SECRET = 'NEXUS_POSTGRES_PASSWORD';
/** JetStream stream prefix of the bus (streams <prefix>_core, _noncritical, _redrive, _dlq). */
export const STREAM_PREFIX = 'nexus';

export function settingsOf(placement: Placement, parent: pulumi.ComponentResource): SelfhostedConfig {
  if (!placement.selfhosted) {
    throw new pulumi.ResourceError('selfhosted: connection settings missing (nexus:selfhostedPostgresUrl, nexus:selfhostedNatsServers)', parent);
  }
  return placement.selfhosted;
}

const providers = new WeakMap<pulumi.ComponentResource, postgresql.Provider>();

/**
 * One explicit PostgreSQL provider per component (the password as a Pulumi secret). Created
 * only when a password is configured: without one the program emits the manifest and leaves
 * the database objects to the runtime's own migrations (which create them on start).
 */
export function postgresProvider(name: string, s: SelfhostedConfig, parent: pulumi.ComponentResource): postgresql.Provider | undefined {
  if (!s.postgresPassword) return undefined;
  let p = providers.get(parent);
  if (!p) {
    p = new postgresql.Provider(`${name}-pg`, {
      host: s.postgres.host, port: s.postgres.port, database: s.postgres.database, username: s.postgres.user,
      password: pulumi.secret(s.postgresPassword), sslmode: 'prefer', superuser: false,
    }, { parent });
    providers.set(parent, p);
  }
  return p;
}
