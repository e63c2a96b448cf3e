/** Cloud-to-cloud event store migration: copy with original versions/times, verify, shadow read models. */
export * from './replayClock';
export * from './AppendImporter';
export * from './hashChain';
export * from './inventory';
export * from './verify';
export * from './copyEvents';
export * from './shadowProjections';
export * from './runMigration';
