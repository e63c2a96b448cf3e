/** Sagas: event-sourced instances, commands through the command handler, durable timeouts. */
export * from './saga';
export * from './SagaCoordinator';
export * from './commandOutcome';
