/**
 * Cloud mapping for the event store (events, snapshots, checkpoints): which resources hold them
 * on each cloud and how to read encryption, point-in-time recovery, deletion protection and TTL
 * from their inputs. Only resources inside the EventStore component count (found from the URN).
 *   AWS    DynamoDB tables                          (SSE KMS key, PITR, deletionProtectionEnabled, ttl)
 *   GCP    Firestore database + TTL field configs   (cmekConfig, PITR enablement, deleteProtectionState)
 *   Azure  Cosmos DB account + SQL containers       (keyVaultKeyUri, Continuous backup, CanNotDelete lock, defaultTtl)
 */
import { Table } from '@pulumi/aws/dynamodb';
import { Database, Field } from '@pulumi/gcp/firestore';
import { DatabaseAccount, SqlResourceSqlContainer } from '@pulumi/azure-native/cosmosdb';
import { ManagementLockByScope } from '@pulumi/azure-native/authorization';
import { bool, componentOf, get, isEventsName, isSnapshotsName, str, type Props } from '../policyKit';
import { mapping, typeOf, type Mapping, type Subject } from './types';

export type Encryption = 'customer-managed' | 'provider-managed';

export interface StoreFacts {
  /** "DynamoDB table nexus-prod-store-events" — used in messages. */
  readonly label: string;
  readonly role: 'events' | 'snapshots' | 'other';
  /** Undefined when encryption is not a property of this resource (e.g. a Cosmos container). */
  readonly encryption?: Encryption;
  readonly pointInTimeRecovery?: boolean;
  /** Undefined when the resource cannot carry deletion protection itself. */
  readonly deletionProtection?: boolean;
  /** True when items of the events collection can expire. Undefined: not applicable. */
  readonly eventTtl?: boolean;
}

const inEventStore = (s: Subject): boolean => componentOf(s.urn) === 'eventstore';
const role = (n: string | undefined): StoreFacts['role'] => (isEventsName(n) ? 'events' : isSnapshotsName(n) ? 'snapshots' : 'other');

/** A CanNotDelete/ReadOnly management lock whose scope is this resource (Azure's deletion protection). */
function lockedOnAzure(s: Subject, resourceName: string | undefined): boolean {
  if (!s.stack || !resourceName) return false;
  return s.stack.some((r) => r.type === typeOf(ManagementLockByScope)
    && ['CanNotDelete', 'ReadOnly'].includes(String(get(r.props, 'level')))
    && (String(get(r.props, 'scope')).endsWith(`/${resourceName}`) || (r.propertyDependencies['scope'] ?? []).some((d) => d.urn === s.urn)));
}

export const storeMappings: readonly Mapping<StoreFacts>[] = [
  mapping('aws', Table, (s) => {
    if (!inEventStore(s)) return undefined;
    const p: Props = s.props;
    const sse = bool(get(p, 'serverSideEncryption', 'enabled')) === true;
    const key = str(get(p, 'serverSideEncryption', 'kmsKeyArn'));
    const r = role(s.name);
    return {
      label: `DynamoDB table ${s.name}`,
      role: r,
      encryption: sse && key ? 'customer-managed' : 'provider-managed',
      pointInTimeRecovery: bool(get(p, 'pointInTimeRecovery', 'enabled')) === true,
      deletionProtection: bool(get(p, 'deletionProtectionEnabled')) === true,
      ...(r === 'events' ? { eventTtl: bool(get(p, 'ttl', 'enabled')) === true } : {}),
    };
  }),
  mapping('gcp', Database, (s) => {
    if (!inEventStore(s)) return undefined;
    const p = s.props;
    return {
      label: `Firestore database ${str(get(p, 'name')) ?? s.name}`,
      role: 'other',
      encryption: str(get(p, 'cmekConfig', 'kmsKeyName')) ? 'customer-managed' : 'provider-managed',
      pointInTimeRecovery: get(p, 'pointInTimeRecoveryEnablement') === 'POINT_IN_TIME_RECOVERY_ENABLED',
      deletionProtection: get(p, 'deleteProtectionState') === 'DELETE_PROTECTION_ENABLED',
    };
  }),
  mapping('gcp', Field, (s) => {
    if (!inEventStore(s)) return undefined;
    const collection = str(get(s.props, 'collection'));
    if (!isEventsName(collection)) return undefined;
    return { label: `Firestore field ${collection}.${str(get(s.props, 'field')) ?? '?'}`, role: 'events', eventTtl: get(s.props, 'ttlConfig') !== undefined };
  }),
  mapping('azure', DatabaseAccount, (s) => {
    if (!inEventStore(s)) return undefined;
    const p = s.props;
    const accountName = str(get(p, 'accountName'));
    return {
      label: `Cosmos DB account ${accountName ?? s.name}`,
      role: 'other',
      encryption: str(get(p, 'keyVaultKeyUri')) ? 'customer-managed' : 'provider-managed',
      pointInTimeRecovery: get(p, 'backupPolicy', 'type') === 'Continuous',
      ...(s.stack ? { deletionProtection: lockedOnAzure(s, accountName) } : {}),
    };
  }),
  mapping('azure', SqlResourceSqlContainer, (s) => {
    if (!inEventStore(s)) return undefined;
    const id = str(get(s.props, 'resource', 'id')) ?? str(get(s.props, 'containerName'));
    const r = role(id);
    return { label: `Cosmos DB container ${id ?? s.name}`, role: r, ...(r === 'events' ? { eventTtl: get(s.props, 'resource', 'defaultTtl') !== undefined } : {}) };
  }),
];

/** Stores whose encryption/backup/protection are judged (containers and fields inherit them). */
export const hasStoreSettings = (f: StoreFacts): boolean => f.encryption !== undefined;
/** Used by tests and docs: the store types per cloud. */
export const storeTypes = (): string[] => storeMappings.map((m) => typeOf(m.resource));
