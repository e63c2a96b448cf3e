/** Projections: definitions, idempotent document updates, the live runner, rebuild + swap. */
export * from './projection';
export * from './ProjectionEngine';
export * from './ProjectionRunner';
export * from './pointer';
export * from './rebuild';
