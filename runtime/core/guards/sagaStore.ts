/**
 * The store a saga coordinator gets: it reads anything it needs to fold instances, but may
 * append only SagaReacted events to its own instance streams (`<tenant>:<SagaName>-<id>`).
 * Everything a saga changes elsewhere goes through the command API (CommandGateway), so the
 * aggregates' deciders, schemas and invariants apply (rule saga-issues-commands-only).
 */
import type { EventStore, ExpectedVersion } from '../../ports/EventStore';
import type { NewEvent } from '../../ports/events';
import { parseQualifiedStreamId } from '../streamIds';
import { SAGA_REACTED } from '../sagas/saga';
import { ARCHITECTURE_RULES, ArchitectureViolationError } from './errors';

export function sagaInstanceStore(store: EventStore, sagaName: string): EventStore {
  const refuse = (detail: string): Promise<never> =>
    Promise.reject(new ArchitectureViolationError(ARCHITECTURE_RULES.sagaCommandsOnly, `saga ${sagaName} ${detail}; a saga changes aggregates only by issuing commands`));
  return Object.freeze({
    append(streamId: string, events: readonly NewEvent[], expected?: ExpectedVersion) {
      let name: string;
      try {
        name = parseQualifiedStreamId(streamId).name;
      } catch {
        return refuse(`tried to append to "${streamId}", which is not a tenant-qualified stream`);
      }
      if (!name.startsWith(`${sagaName}-`)) return refuse(`tried to append to stream ${streamId}; expected one of its own instance streams <tenant>:${sagaName}-<id>`);
      const foreign = events.find((e) => e.type !== SAGA_REACTED);
      if (foreign) return refuse(`tried to append a ${foreign.type} event to ${streamId}; expected ${SAGA_REACTED} only`);
      return store.append(streamId, events, expected);
    },
    readStream: store.readStream.bind(store),
    readAll: store.readAll.bind(store),
    streamInfo: store.streamInfo.bind(store),
    close: async (): Promise<void> => undefined,
  } satisfies EventStore);
}
