/**
 * The JetStream layout of one Nexus bus (ADR 0081), derived from the manifest's streamPrefix:
 *   <P>_core, <P>_noncritical   one stream per path; subject <P>.<path>.<key> per partition key
 *   <P>_redrive                 redriven dead letters, subject <P>.redrive.<group>.<path>.<key>
 *   <P>_dlq                     dead letters, subject <P>.dlq.<group>.<dead letter id>
 * Durable consumer per (group, path) on the path stream and on the redrive stream.
 * Subject tokens cannot hold ".", "*", ">" or spaces: keys and groups travel base64url-encoded.
 */
import type { BusPath } from '../../../ports/EventBus';
import { InvalidArgumentError } from '../../../ports/errors';

const PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

export const token = (s: string): string => Buffer.from(s, 'utf8').toString('base64url') || '_';
export const untoken = (t: string): string => Buffer.from(t, 'base64url').toString('utf8');

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
  dlqSubject(group: string, id: string): string {
    return `${this.prefix}.dlq.${token(group)}.${id}`;
  }
  dlqFilter(group?: string): string {
    return group === undefined ? `${this.prefix}.dlq.>` : `${this.prefix}.dlq.${token(group)}.*`;
  }
  /** Durable names allow [A-Za-z0-9_-]. */
  durable(group: string, path: BusPath, redrive = false): string {
    return `${redrive ? 'rd_' : ''}${path}_${token(group)}`;
  }
}
