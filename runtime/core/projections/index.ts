/** Projections: definitions, idempotent document updates, the live runner, rebuild + swap, tenant-scoped rebuild. */
export * from './projection';
export * from './ProjectionEngine';
export * from './ProjectionRunner';
export * from './pointer';
export * from './rebuild';
export * from './replay';
export * from './tenantRebuild';
