/**
 * The read side wired in one process (what `npm start`, the chaos test and the benchmarks
 * run): the outbox relay, one runner per projection, one coordinator per saga and the stream
 * notifications, all on the ports of a runtime. Consumers subscribe before the relay starts so
 * that no message is published to a group that does not exist yet.
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventBus } from '../../ports/EventBus';
import type { EventStore } from '../../ports/EventStore';
import type { Notifier } from '../../ports/Notifier';
import type { SearchIndex } from '../../ports/SearchIndex';
import type { EventPipeline } from '../pipeline';
import { StreamNotifications } from '../notifications/StreamNotifications';
import { ProjectionRunner, type ProjectionDefinition, type Upcast } from '../projections';
import { OutboxRelay, type Routing } from '../relay';
import { SagaCoordinator, type CommandGateway, type SagaDefinition } from '../sagas';
import { readOnlyEventStore, sagaInstanceStore } from '../guards';

export interface ReadSidePorts {
  readonly eventStore: EventStore;
  readonly bus: EventBus;
  readonly checkpoints: CheckpointStore;
  readonly search: SearchIndex;
  readonly notifier?: Notifier;
}

export interface ReadSideOptions {
  readonly routing: Routing;
  readonly projections: readonly ProjectionDefinition[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sagas of any state shape
  readonly sagas?: ReadonlyArray<SagaDefinition<any>>;
  /** Required when sagas are given: where sagas send commands. */
  readonly commands?: CommandGateway;
  /** Relay idle poll; default 10 ms. */
  readonly relayPollMs?: number;
  readonly timeoutPollMs?: number;
  readonly maxAttempts?: number;
  readonly onError?: (where: string, err: unknown) => void;
  /** The governed pipeline: saga reactions (SagaReacted) are validated before they are stored. */
  readonly pipeline?: Pick<EventPipeline, 'beforeAppend'>;
  /** Upcasts events before projection handlers see them (the pipeline's afterRead); default none. */
  readonly upcast?: Upcast;
}

export class ReadSide {
  readonly relay: OutboxRelay;
  readonly projections: ProjectionRunner[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly sagas: Array<SagaCoordinator<any>>;
  readonly streamNotifications: StreamNotifications | undefined;

  constructor(readonly ports: ReadSidePorts, readonly options: ReadSideOptions) {
    const { eventStore: store, bus, checkpoints, search, notifier } = ports;
    const onError = (where: string) => (err: unknown) => options.onError?.(where, err);
    this.relay = new OutboxRelay({ store, checkpoints, bus, routing: options.routing, pollMs: options.relayPollMs, onError: onError('relay') });
    this.projections = options.projections.map((p) => new ProjectionRunner(p, {
      bus, search, store: readOnlyEventStore(store, `projection ${p.name}`), checkpoints, routing: options.routing, notifier, maxAttempts: options.maxAttempts, onError: onError(`projection ${p.name}`),
      upcast: options.upcast,
    }));
    if ((options.sagas?.length ?? 0) > 0 && !options.commands) throw new Error('ReadSide: sagas need a command gateway (options.commands)');
    this.sagas = (options.sagas ?? []).map((s) => new SagaCoordinator(s, {
      store: sagaInstanceStore(store, s.name), bus, checkpoints, commands: options.commands!, routing: options.routing, timeoutPollMs: options.timeoutPollMs,
      maxAttempts: options.maxAttempts, onError: onError(`saga ${s.name}`), pipeline: options.pipeline,
    }));
    this.streamNotifications = notifier ? new StreamNotifications(bus, notifier, onError('notifications')) : undefined;
  }

  async start(): Promise<void> {
    for (const p of this.projections) await p.start();
    for (const s of this.sagas) await s.start();
    await this.streamNotifications?.start();
    this.relay.start();
  }

  projection(name: string): ProjectionRunner | undefined {
    return this.projections.find((p) => p.definition.name === name);
  }

  saga(name: string): SagaCoordinator<unknown> | undefined {
    return this.sagas.find((s) => s.definition.name === name);
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    for (const s of this.sagas) await s.stop();
    for (const p of this.projections) await p.stop();
    await this.streamNotifications?.stop();
  }
}
