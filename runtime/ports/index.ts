/** The runtime's seams. Ports import nothing but each other and Node built-ins. */
export * from './errors';
export * from './events';
export * from './limits';
export * from './EventStore';
export * from './SnapshotStore';
export * from './CheckpointStore';
export * from './Clock';
export * from './EventBus';
export * from './SchemaRegistry';
export * from './SearchIndex';
export * from './Notifier';
