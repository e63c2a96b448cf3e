/**
 * In-memory SnapshotStore: every snapshot of a stream kept in version order, so temporal loads
 * (maxVersion) and state-shape filtering (stateVersion) behave as in the durable stores.
 * Snapshots are copied through JSON, like a real store round-trips them.
 */
import { type LoadSnapshotOptions, type Snapshot, type SnapshotStore } from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';
import { checkSnapshot, checkLoadOptions } from './SnapshotRules';

export class InMemorySnapshotStore implements SnapshotStore {
  private readonly byStream = new Map<string, Snapshot[]>();
  private closed = false;

  async save(snapshot: Snapshot): Promise<void> {
    this.assertOpen();
    const json = checkSnapshot(snapshot);
    const copy = { ...snapshot, state: JSON.parse(json) as unknown };
    const list = this.byStream.get(snapshot.streamId) ?? [];
    const i = list.findIndex((s) => s.version >= snapshot.version);
    if (i === -1) list.push(copy);
    else if (list[i]!.version === snapshot.version) list[i] = copy;
    else list.splice(i, 0, copy);
    this.byStream.set(snapshot.streamId, list);
  }

  async load(streamId: string, options: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
    this.assertOpen();
    checkLoadOptions(streamId, options);
    const list = this.byStream.get(streamId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (options.maxVersion !== undefined && s.version > options.maxVersion) continue;
      if (options.stateVersion !== undefined && s.stateVersion !== options.stateVersion) continue;
      return { ...s, state: structuredClone(s.state) };
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('InMemorySnapshotStore');
  }
}
