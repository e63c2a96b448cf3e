/**
 * Self-hosted event store: the `postgres` manifest section. When a password is configured, the
 * schema is created with @pulumi/postgresql (owned by the configured user, so the runtime's
 * migrations create the tables in it on start); the password never enters the manifest, only
 * the name of the runtime secret that carries it.
 */
import * as pulumi from '@pulumi/pulumi';
import * as postgresql from '@pulumi/postgresql';
import type { EventStoreArgs, EventStoreOutputs } from '../../components/provider';
import type { EventStoreManifest } from '../../runtime/manifest';
import { PASSWORD_SECRET, postgresProvider, settingsOf } from './settings';

export function postgresSection(s: ReturnType<typeof settingsOf>): Extract<EventStoreManifest, { kind: 'postgres' }> {
  return {
    kind: 'postgres', host: s.postgres.host, port: s.postgres.port, database: s.postgres.database, user: s.postgres.user,
    schema: s.postgres.schema, ...(s.postgresPassword ? { passwordSecret: PASSWORD_SECRET } : {}),
  };
}

export function selfhostedEventStore(name: string, args: EventStoreArgs, parent: pulumi.ComponentResource): EventStoreOutputs {
  const s = settingsOf(args.placement, parent);
  const provider = postgresProvider(name, s, parent);
  const refs: Record<string, pulumi.Output<string>> = {};
  if (provider) {
    const schema = new postgresql.Schema(`${name}-schema`, {
      name: s.postgres.schema, database: s.postgres.database, owner: s.postgres.user, ifNotExists: true,
    }, { parent, provider, protect: args.placement.deletionProtection });
    refs['schema'] = schema.name;
  }
  return { manifest: pulumi.output(postgresSection(s)), refs };
}
