/** Fault injection for chaos tests: any port (withChaos) and the bus (ChaosEventBus). */
export * from './faults';
export * from './withChaos';
export * from './ChaosEventBus';
