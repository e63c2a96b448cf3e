/**
 * The saga timeout scheduler's handler (NexusApp.sagaTimeouts, which the EventBridge rule, the
 * Cloud Scheduler job and the Azure timer call) on a local manifest: an order whose payment never
 * arrives is cancelled and its stock released once the payment timeout is due — not before, and
 * only once; a run with a failing instance throws (so the scheduler retries and dead-letters it)
 * and the timeout stays due for the next run.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NexusApp } from '../../runtime/entrypoints/app';
import { fulfilmentSaga } from '../../examples/orders/sagas';
import { localManifest, outcome, placeUnpaidOrder, SECRET, TIMED_OUT, WAITING } from './sagaTimeoutScenario';

const PAYMENT_TIMEOUT_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('NexusApp.sagaTimeouts on a local manifest', function () {
  this.timeout(30_000);
  let dir: string;
  let app: NexusApp;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-saga-timeouts-'));
    app = new NexusApp({
      manifestJson: JSON.stringify(localManifest(dir)), auth: { hs256Secret: SECRET },
      sagas: [fulfilmentSaga({ paymentTimeoutMs: PAYMENT_TIMEOUT_MS })],
    });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cancels an unpaid order and releases its stock once the payment timeout is due, exactly once', async () => {
    await placeUnpaidOrder(app, 'o-1', 'BOOK-1');
    assert.equal(await app.sagaTimeouts(), 0, 'not due yet');
    assert.deepEqual(await outcome(app, 'o-1', 'BOOK-1'), WAITING);
    await sleep(PAYMENT_TIMEOUT_MS + 50);
    assert.equal(await app.sagaTimeouts(), 1, 'the payment timeout fires');
    assert.deepEqual(await outcome(app, 'o-1', 'BOOK-1'), TIMED_OUT);
    assert.equal(await app.sagaTimeouts(), 0, 'a fired timeout leaves the index: the next run finds nothing');
    assert.deepEqual(await outcome(app, 'o-1', 'BOOK-1'), TIMED_OUT, 'no second cancellation or release');
  });

  it('fires the due timeouts of every instance in one run', async () => {
    await placeUnpaidOrder(app, 'o-1', 'BOOK-1');
    await placeUnpaidOrder(app, 'o-2', 'BOOK-2');
    await sleep(PAYMENT_TIMEOUT_MS + 50);
    assert.equal(await app.sagaTimeouts(), 2);
    assert.deepEqual(await outcome(app, 'o-1', 'BOOK-1'), TIMED_OUT);
    assert.deepEqual(await outcome(app, 'o-2', 'BOOK-2'), TIMED_OUT);
  });

  it('a run with a failing instance throws naming the failure; the timeout stays due and the next run fires it', async () => {
    await placeUnpaidOrder(app, 'o-1', 'BOOK-1');
    await sleep(PAYMENT_TIMEOUT_MS + 50);
    const store = (await app.runtime()).eventStore;
    const append = store.append.bind(store);
    store.append = () => Promise.reject(new Error('event store unavailable (test)'));
    try {
      await assert.rejects(app.sagaTimeouts(), (err: unknown) => {
        assert.ok(err instanceof AggregateError, `an AggregateError, got ${String(err)}`);
        assert.match(err.message, /saga timeouts: 0 fired, 1 failed: .*event store unavailable \(test\)/);
        return true;
      });
    } finally {
      store.append = append;
    }
    assert.deepEqual(await outcome(app, 'o-1', 'BOOK-1'), WAITING, 'nothing stored by the failed run');
    assert.equal(await app.sagaTimeouts(), 1, 'the retry fires it');
    assert.deepEqual(await outcome(app, 'o-1', 'BOOK-1'), TIMED_OUT);
  });
});
