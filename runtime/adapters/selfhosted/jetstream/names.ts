/**
 * The JetStream layout of one Nexus bus (ADR 0081), derived from the manifest's streamPrefix:
 *   <P>_core, <P>_noncritical   one stream per path; subject <P>.<path>.<key> per partition key
 *   <P>_redrive                 redriven dead letters, subject <P>.redrive.<group>.<path>.<key>
 *   <P>_dlq                     dead letters, subject <P>.dlq.<group>.<tenant>.<ms>.<dead letter id>
 *                               (ADR 0134; tenant "-" when the envelope has none, ms = deadLetteredAt
 *                               as 15 zero-padded digits: the subject alone orders and filters them.
 *                               Before it: <P>.dlq.<group>.<id>, moved by JetStreamDeadLetterQueue)
 * Durable consumer per (group, path) on the path stream and on the redrive stream.
 * Subject tokens cannot hold ".", "*", ">" or spaces: keys and groups travel base64url-encoded.
 */
import type { BusPath } from '../../../ports/EventBus';
import { InvalidArgumentError } from '../../../ports/errors';

const PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

export const token = (s: string): string => Buffer.from(s, 'utf8').toString('base64url') || '_';
export const untoken = (t: string): string => Buffer.from(t, 'base64url').toString('utf8');
/** "-" (never a base64url token, which is at least two characters or "_") for no tenant. */
export const tenantToken = (tenant: string | undefined): string => (tenant === undefined ? '-' : token(tenant));

export class JetStreamNames {
  constructor(readonly prefix: string) {
    if (!PREFIX.test(prefix)) throw new InvalidArgumentError('streamPrefix', `"${prefix}" must match ${PREFIX.source}`);
  }
  stream(path: BusPath): string {
    return `${this.prefix}_${path}`;
  }
  subject(path: BusPath, key: string): string {
    return `${this.prefix}.${path}.${token(key)}`;
  }
  pathFilter(path: BusPath): string {
    return `${this.prefix}.${path}.>`;
  }
  get redriveStream(): string {
    return `${this.prefix}_redrive`;
  }
  redriveSubject(group: string, path: BusPath, key: string): string {
    return `${this.prefix}.redrive.${token(group)}.${path}.${token(key)}`;
  }
  redriveFilter(group: string, path: BusPath): string {
    return `${this.prefix}.redrive.${token(group)}.${path}.>`;
  }
  get dlqStream(): string {
    return `${this.prefix}_dlq`;
  }
  dlqSubject(group: string, tenant: string | undefined, deadLetteredAt: string, id: string): string {
    return `${this.prefix}.dlq.${token(group)}.${tenantToken(tenant)}.${String(Date.parse(deadLetteredAt)).padStart(15, '0')}.${id}`;
  }
  /** Dead letters of a group and/or tenant; with neither, every subject of the DLQ stream (old layout included). */
  dlqFilter(filter: { group?: string; tenant?: string } = {}): string {
    if (filter.group === undefined && filter.tenant === undefined) return `${this.prefix}.dlq.>`;
    return `${this.prefix}.dlq.${filter.group === undefined ? '*' : token(filter.group)}.${filter.tenant === undefined ? '*' : tenantToken(filter.tenant)}.*.*`;
  }
  /** Subjects of the layout before ADR 0134 (exactly two tokens after "dlq"). */
  get legacyDlqFilter(): string {
    return `${this.prefix}.dlq.*.*`;
  }
  /** group, tenant token, time and id of a current-layout DLQ subject; undefined for any other. */
  parseDlqSubject(subject: string): { group: string; ms: number; id: string } | undefined {
    const t = subject.split('.');
    if (t.length !== 6 || t[0] !== this.prefix || t[1] !== 'dlq') return undefined;
    return { group: untoken(t[2]!), ms: Number(t[4]), id: t[5]! };
  }
  /** Durable names allow [A-Za-z0-9_-]. */
  durable(group: string, path: BusPath, redrive = false): string {
    return `${redrive ? 'rd_' : ''}${path}_${token(group)}`;
  }
}
