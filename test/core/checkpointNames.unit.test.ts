/**
 * The CheckpointStore name order (ADR 0139) and the range list(prefix, { to }) covers, checked
 * against their definitions: code point order is UTF-8 byte order (Buffer.compare), and a
 * prefix range holds exactly the strings that start with the prefix.
 */
import assert from 'node:assert/strict';
import { checkpointNameRange, compareCheckpointNames } from '../../runtime/ports';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters around every boundary that matters: ASCII, U+D7FF/U+E000, U+FFFF, astral, U+10FFFF. */
const ALPHABET = ['\u0000', 'a', 'b', '/', '~', '\u00e9', '\u4e2d', '\ud7ff', '\ue000', '\uff5e', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];

function randomName(next: () => number): string {
  const length = Math.floor(next() * 5);
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
  return s;
}

const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('CheckpointStore name order (compareCheckpointNames, checkpointNameRange)', () => {
  it('orders exactly as UTF-8 bytes do (20,000 random pairs over boundary characters)', () => {
    const next = rng(139);
    for (let i = 0; i < 20_000; i++) {
      const a = randomName(next);
      const b = randomName(next);
      assert.equal(compareCheckpointNames(a, b), utf8Compare(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });

  it('differs from JavaScript < only for a character above U+FFFF against U+E000..U+FFFF', () => {
    assert.equal(compareCheckpointNames('\uff5e', '\u{1F600}'), -1);
    assert.ok('\u{1F600}' < '\uff5e', 'JavaScript compares UTF-16 code units');
    assert.equal(compareCheckpointNames('\ud7ff', '\u{1F600}'), -1);
    assert.equal(compareCheckpointNames('ab', 'a'), 1);
    assert.equal(compareCheckpointNames('a', 'a'), 0);
  });

  it('a prefix range holds exactly the names that start with the prefix', () => {
    const next = rng(2026);
    const prefixes = ['', 'a', 'a\ud7ff', 'a\uffff', 'a\u{10FFFF}', '\u{10FFFF}', '\u{10FFFF}\u{10FFFF}', 'a\u{1F600}', 'b~'];
    for (const prefix of prefixes) {
      const range = checkpointNameRange(prefix, undefined)!;
      assert.equal(range.from, prefix);
      assert.equal(range.through, undefined);
      for (let i = 0; i < 3000; i++) {
        const name = next() < 0.5 ? prefix + randomName(next) : randomName(next);
        const inRange = compareCheckpointNames(name, range.from) >= 0 && (range.before === undefined || compareCheckpointNames(name, range.before) < 0);
        assert.equal(inRange, name.startsWith(prefix), `prefix ${JSON.stringify(prefix)}, name ${JSON.stringify(name)}, before ${JSON.stringify(range.before)}`);
      }
    }
    assert.equal(checkpointNameRange('a\ud7ff', undefined)!.before, 'a\ue000', 'U+D7FF is followed by U+E000 (no surrogates)');
    assert.equal(checkpointNameRange('a\uffff', undefined)!.before, 'a\u{10000}');
    assert.equal(checkpointNameRange('a\u{10FFFF}', undefined)!.before, 'b');
    assert.equal(checkpointNameRange('\u{10FFFF}', undefined)!.before, undefined, 'nothing sorts after every name starting with U+10FFFF');
  });

  it('with to: one inclusive bound when to has the prefix, the prefix range when to lies past it, nothing when before it', () => {
    assert.deepEqual(checkpointNameRange('p:', 'p:5'), { from: 'p:', through: 'p:5' });
    assert.deepEqual(checkpointNameRange('p:', 'p:'), { from: 'p:', through: 'p:' });
    assert.deepEqual(checkpointNameRange('p:', 'q'), { from: 'p:', before: 'p;' });
    assert.deepEqual(checkpointNameRange('', 'x'), { from: '', through: 'x' });
    assert.equal(checkpointNameRange('p:', 'p'), undefined);
    assert.equal(checkpointNameRange('p:', ''), undefined);
  });
});
