/** The shared retry policy: full-jitter backoff bounds, error classification, withRetry behaviour. */
import assert from 'node:assert/strict';
import { backoffDelay, classifyError, withRetry, validateRetryPolicy } from '../../runtime/core/retry';
import { PermanentError } from '../../runtime/ports/EventBus';
import { ConcurrencyError } from '../../runtime/ports/EventStore';
import { InvalidArgumentError, UnavailableError } from '../../runtime/ports/errors';

describe('retry policy', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

  it('draws the delay uniformly up to min(max, base·2^(attempt-1)) (full jitter)', () => {
    assert.equal(backoffDelay(1, policy, () => 0.999999), 99);
    assert.equal(backoffDelay(3, policy, () => 0.999999), 399);
    assert.equal(backoffDelay(10, policy, () => 0.999999), 999, 'capped at maxDelayMs');
    assert.equal(backoffDelay(5, policy, () => 0), 0, 'full jitter reaches zero');
  });

  it('classifies permanent, retryable and unknown errors through the port error contract', () => {
    assert.equal(classifyError(new PermanentError('never')), 'permanent');
    assert.equal(classifyError(new UnavailableError('db', 'busy')), 'retryable');
    assert.equal(classifyError(new ConcurrencyError('s', 1, 2)), 'retryable');
    assert.equal(classifyError(new InvalidArgumentError('x', 'bad')), 'permanent');
    assert.equal(classifyError(new Error('bug?')), 'retryable');
    assert.equal(classifyError(new Error('bug?'), { unknownErrors: 'permanent' }), 'permanent');
  });

  it('retries retryable errors with backoff, stops at maxAttempts and rethrows the last error as is', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(async (attempt) => {
      calls++;
      if (attempt < 3) throw new UnavailableError('db', `busy ${attempt}`);
      return 'ok';
    }, policy, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(waits, [50, 100]);
    const err = await withRetry(async () => { throw new UnavailableError('db', 'down'); }, policy, { sleep: async () => undefined }).catch((e: unknown) => e);
    assert.ok(err instanceof UnavailableError && /down/.test(err.message));
    let permanentCalls = 0;
    await assert.rejects(withRetry(async () => {
      permanentCalls++;
      throw new PermanentError('no');
    }, policy, { sleep: async () => undefined }), PermanentError);
    assert.equal(permanentCalls, 1, 'permanent errors are not retried');
  });

  it('rejects nonsensical policies naming the field', () => {
    assert.throws(() => validateRetryPolicy({ maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 2 }), /maxAttempts/);
    assert.throws(() => validateRetryPolicy({ maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 2 }), /maxDelayMs/);
  });
});
