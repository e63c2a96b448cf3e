/**
 * Governance core, the API cloud registry adapters and the runtime build on: Avro parsing,
 * Nexus' compatibility check, JSON validation, the shared registry rules, `schemas/` loading,
 * upcasters, the governed pipeline and the CloudEvents envelope. Pure and SDK-free.
 */
export * from './avro';
export * from './compatibility';
export * from './resolution';
export * from './validation';
export * from './registryRules';
export * from './errors';
export * from './schemaFiles';
export * from './upcasters';
export * from './governedPipeline';
export * from './cloudEvents';
export * from './schemaCheck';
export * from './governance';
