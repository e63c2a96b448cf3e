/** EventStore conformance: stream reads at every boundary, as-of-version and as-of-time reads, stream info. */
import assert from 'node:assert/strict';
import { isInvalidArgumentError, type EventStore, type StoredEvent } from '../../../runtime/ports';
import { evs, rejects, sleep, type Ctx } from './support';

const versions = (events: readonly StoredEvent[]): number[] => events.map((e) => e.version);
const range = (from: number, to: number): number[] =>
  from <= to ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : Array.from({ length: from - to + 1 }, (_, i) => from - i);

async function fiveEventStream(store: EventStore, s: string): Promise<void> {
  await store.append(s, evs(2), 'no_stream');
  await store.append(s, evs(3), 2);
}

export function readCases(ctx: () => Ctx): void {
  describe('readStream and streamInfo', () => {
    it('reads an unknown stream as empty in both directions and reports it as absent', async () => {
      const { store, stream } = ctx();
      const s = stream();
      assert.deepEqual(await store.readStream(s), []);
      assert.deepEqual(await store.readStream(s, { direction: 'backward' }), []);
      assert.deepEqual(await store.readStream(s, { fromVersion: 0, asOfVersion: 3 }), []);
      const info = await store.streamInfo(s);
      assert.equal(info.streamId, s);
      assert.equal(info.exists, false);
      assert.equal(info.version, 0);
      assert.equal(info.createdAt, undefined);
      assert.equal(info.updatedAt, undefined);
    });

    it('reads forward from every boundary: version 0, 1, the middle, the last, past the end', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await fiveEventStream(store, s);
      assert.deepEqual(versions(await store.readStream(s)), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { direction: 'forward' })), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { fromVersion: 0 })), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { fromVersion: 1 })), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { fromVersion: 3 })), range(3, 5));
      assert.deepEqual(versions(await store.readStream(s, { fromVersion: 5 })), [5]);
      assert.deepEqual(versions(await store.readStream(s, { fromVersion: 6 })), []);
      assert.deepEqual(versions(await store.readStream(s, { fromVersion: 1000 })), []);
    });

    it('limits forward reads with maxCount', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await fiveEventStream(store, s);
      assert.deepEqual(versions(await store.readStream(s, { maxCount: 1 })), [1]);
      assert.deepEqual(versions(await store.readStream(s, { maxCount: 2, fromVersion: 2 })), [2, 3]);
      assert.deepEqual(versions(await store.readStream(s, { maxCount: 10, fromVersion: 4 })), [4, 5]);
      assert.deepEqual(versions(await store.readStream(s, { maxCount: 5 })), range(1, 5));
    });

    it('reads backward from the end, from a version, past the end, from 0, with maxCount', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await fiveEventStream(store, s);
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward' })), range(5, 1));
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', fromVersion: 3 })), range(3, 1));
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', fromVersion: 1 })), [1]);
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', fromVersion: 99 })), range(5, 1));
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', fromVersion: 0 })), []);
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', maxCount: 2 })), [5, 4]);
      assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', fromVersion: 4, maxCount: 2 })), [4, 3]);
    });

    it('reads the stream as of a version, in both directions', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await fiveEventStream(store, s);
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 3 })), range(1, 3));
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 0 })), []);
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 5 })), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 50 })), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 3, direction: 'backward' })), range(3, 1));
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 3, direction: 'backward', maxCount: 1 })), [3]);
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 4, fromVersion: 2, maxCount: 2 })), [2, 3]);
      assert.deepEqual(versions(await store.readStream(s, { asOfVersion: 2, fromVersion: 3 })), []);
    });

    it('reads the stream as of a time (ISO string or Date), cut at recordedAt', async () => {
      const { store, stream } = ctx();
      const s = stream();
      // Batches far enough apart that their recordedAt differ whoever stamps them; cut points are
      // taken from the stored times, so the case does not depend on this machine's clock.
      await store.append(s, evs(2), 'no_stream');
      await sleep(30);
      await store.append(s, evs(2), 2);
      await sleep(30);
      await store.append(s, evs(1), 4);
      const all = await store.readStream(s);
      const t = all.map((e) => Date.parse(e.recordedAt));
      assert.ok(t[1]! < t[2]! && t[3]! < t[4]!, `batches must get increasing recordedAt: ${all.map((e) => e.recordedAt).join(', ')}`);
      for (let i = 1; i < t.length; i++) assert.ok(t[i]! >= t[i - 1]!, 'recordedAt never goes backwards within a stream');
      const iso = (ms: number): string => new Date(ms).toISOString();
      assert.deepEqual(versions(await store.readStream(s, { asOf: all[1]!.recordedAt })), [1, 2]);
      assert.deepEqual(versions(await store.readStream(s, { asOf: new Date(t[3]!) })), range(1, 4));
      assert.deepEqual(versions(await store.readStream(s, { asOf: iso(t[2]! - 1) })), [1, 2]);
      assert.deepEqual(versions(await store.readStream(s, { asOf: iso(t[0]! - 1) })), []);
      assert.deepEqual(versions(await store.readStream(s, { asOf: iso(t[4]! + 3_600_000) })), range(1, 5));
      assert.deepEqual(versions(await store.readStream(s, { asOf: all[3]!.recordedAt, direction: 'backward' })), range(4, 1));
      assert.deepEqual(versions(await store.readStream(s, { asOf: all[3]!.recordedAt, asOfVersion: 3 })), range(1, 3));
      assert.deepEqual(versions(await store.readStream(s, { asOf: all[1]!.recordedAt, asOfVersion: 4 })), [1, 2]);
    });

    it('reports stream info: version, createdAt = first recordedAt, updatedAt = last recordedAt', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await store.append(s, evs(1), 'no_stream');
      await sleep(20);
      await store.append(s, evs(2), 1);
      const all = await store.readStream(s);
      const info = await store.streamInfo(s);
      assert.deepEqual(info, { streamId: s, exists: true, version: 3, createdAt: all[0]!.recordedAt, updatedAt: all[2]!.recordedAt });
    });

    it('rejects malformed read options with InvalidArgumentError naming the option', async () => {
      const { store, stream } = ctx();
      const s = stream();
      await store.append(s, evs(1), 'no_stream');
      const cases: Array<[Parameters<EventStore['readStream']>[1], string]> = [
        [{ asOf: 'not a time' }, 'asOf'],
        [{ fromVersion: -1 }, 'fromVersion'],
        [{ maxCount: -1 }, 'maxCount'],
        [{ asOfVersion: 1.5 }, 'asOfVersion'],
      ];
      for (const [options, field] of cases) {
        const err = await rejects(store.readStream(s, options), isInvalidArgumentError, `InvalidArgumentError for ${JSON.stringify(options)}`);
        assert.equal(err.field, field);
      }
    });
  });
}
