/**
 * Defaults of the component args (the JSDoc of each field in ./args.ts states the same value).
 * Providers read them from here so every cloud applies the same defaults.
 */
export const DEFAULTS = {
  idempotencyTtlHours: 24,
  busRetentionHours: 24,
  busPartitions: 1,
  consumerGroups: ['projections', 'sagas'] as readonly string[],
  deadLetterRetentionDays: 14,
  maxDeliveryAttempts: 5,
  defaultCompatibility: 'BACKWARD',
  searchSize: 'small',
  connectionTtlHours: 2,
  bundleDir: 'dist/runtime',
  memoryMb: 512,
  snapshotScheduleMinutes: 15,
  logRetentionDays: 30,
  dlqDepthThreshold: 1,
  relayLagSeconds: 60,
} as const;
