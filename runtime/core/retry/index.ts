/** The read side's single retry policy: backoff with full jitter and error classification. */
export * from './retryPolicy';
export * from './withRetry';
