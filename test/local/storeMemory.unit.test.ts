/** The shared store conformance suites run against the in-memory adapters. */
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryIdempotencyStore } from '../../runtime/adapters/local/InMemoryIdempotencyStore';
import { InMemorySnapshotStore } from '../../runtime/adapters/local/InMemorySnapshotStore';
import { checkpointStoreContract } from '../contracts/checkpointStoreContract';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { idempotencyStoreContract } from '../contracts/idempotencyStoreContract';
import { snapshotStoreContract } from '../contracts/snapshotStoreContract';

const handle = <S extends { close(): Promise<void> }>(store: S) => ({ store, cleanup: () => store.close() });

eventStoreContract('InMemoryEventStore', async () => handle(new InMemoryEventStore()));
snapshotStoreContract('InMemorySnapshotStore', async () => handle(new InMemorySnapshotStore()));
checkpointStoreContract('InMemoryCheckpointStore', async () => handle(new InMemoryCheckpointStore()));
idempotencyStoreContract('InMemoryIdempotencyStore', async () => handle(new InMemoryIdempotencyStore()));
