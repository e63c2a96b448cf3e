/**
 * Stream naming. The store is tenant-agnostic; the core qualifies every stream with its tenant
 * so that a tenant can only ever address its own streams: `<tenant>:<Aggregate>-<id>`.
 * The API speaks tenant-relative stream names (`Order-42`); the tenant comes from the token.
 */
import { InvalidArgumentError } from '../ports/errors';

const PART = /^[A-Za-z0-9][A-Za-z0-9_.@=+-]{0,99}$/;

export function streamName(aggregateType: string, id: string): string {
  check('aggregateType', aggregateType);
  check('id', id);
  return `${aggregateType}-${id}`;
}

export function qualifiedStreamId(tenant: string, name: string): string {
  check('tenant', tenant);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@=+-]{0,199}$/.test(name)) {
    throw new InvalidArgumentError('stream', `"${name}" is not a valid stream name`);
  }
  return `${tenant}:${name}`;
}

export function parseQualifiedStreamId(streamId: string): { tenant: string; name: string } {
  const i = streamId.indexOf(':');
  if (i <= 0) throw new InvalidArgumentError('streamId', `"${streamId}" has no tenant prefix`);
  return { tenant: streamId.slice(0, i), name: streamId.slice(i + 1) };
}

function check(field: string, value: string): void {
  if (!PART.test(value)) throw new InvalidArgumentError(field, `"${value}" must match ${PART.source}`);
}
