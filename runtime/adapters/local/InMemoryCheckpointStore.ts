/** In-memory CheckpointStore: named positions with compare-and-set, for unit tests and `kind: memory`. */
import {
  CheckpointConflictError, InvalidArgumentError, checkCheckpointListArgs, checkpointNameRange, compareCheckpointNames,
  type CheckpointListOptions, type CheckpointStore,
} from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';

export function checkCheckpointName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) {
    throw new InvalidArgumentError('name', `must be a non-empty string of at most 512 characters, got ${JSON.stringify(name)}`);
  }
  return name;
}

export function checkCheckpointValue(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidArgumentError('value', `must be a string, got ${typeof value}`);
  return value;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly values = new Map<string, string>();
  private closed = false;

  async get(name: string): Promise<string | undefined> {
    this.assertOpen();
    return this.values.get(checkCheckpointName(name));
  }

  async set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void> {
    this.assertOpen();
    checkCheckpointName(name);
    checkCheckpointValue(value);
    const actual = this.values.get(name);
    if (expected && expected.current !== actual) throw new CheckpointConflictError(name, expected.current, actual);
    this.values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    this.values.delete(checkCheckpointName(name));
  }

  /** A Map has no order: filters to the range first, then sorts only what is in it (test/dev store). */
  async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    this.assertOpen();
    const args = checkCheckpointListArgs(prefix, options);
    const range = checkpointNameRange(args.prefix, args.to);
    if (!range) return [];
    const inRange = [...this.values.entries()].filter(([name]) => name.startsWith(range.from) && (range.through === undefined || compareCheckpointNames(name, range.through) <= 0));
    inRange.sort(([a], [b]) => compareCheckpointNames(a, b));
    return inRange.slice(0, args.limit).map(([name, value]) => ({ name, value }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('InMemoryCheckpointStore');
  }
}
