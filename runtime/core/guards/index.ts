/** Runtime architecture guards (the runtime half of the policy engine); see docs/adr/0111. */
export * from './errors';
export * from './immutability';
export * from './readOnlyEventStore';
export * from './sagaStore';
export * from './tenantScope';
export { decideChecked, UndeclaredEventError, isUndeclaredEventError } from '../aggregate';
