/** Store → bus propagation: the outbox relay and the CDC-shared relay core. */
export * from './envelope';
export * from './relay';
