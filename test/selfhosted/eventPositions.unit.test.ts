/**
 * PostgresEventStore positions and checkpoints (ADR 0142): `<xid>:<position>`, 16-digit padded,
 * parsed back WITHOUT the padding (PostgreSQL reads '0000000000082510'::xid8 as octal, i.e. 0),
 * pre-0142 checkpoints (a bare position) resume at (0, position), anything else is rejected.
 */
import assert from 'node:assert/strict';
import { formatEventKey, parseEventKey, START } from '../../runtime/adapters/selfhosted/postgres/eventPositions';
import { isInvalidArgumentError } from '../../runtime/ports';

describe('PostgresEventStore positions (ADR 0142)', () => {
  it('formats (xid, position) as two 16-digit fields that sort like the pair', () => {
    assert.equal(formatEventKey('82510', '12'), '0000000000082510:0000000000000012');
    const keys = [['9', '100'], ['10', '2'], ['10', '11'], ['123456789', '1']].map(([x, p]) => formatEventKey(x!, p!));
    assert.deepEqual([...keys].sort(), keys);
  });

  it('parses its own positions back to unpadded decimals (xid8 input would read leading zeros as octal)', () => {
    assert.deepEqual(parseEventKey('after', '0000000000082510:0000000000000012'), { xid: '82510', position: '12' });
    assert.deepEqual(parseEventKey('after', '0000000000000000:0000000000000000'), { xid: '0', position: '0' });
    assert.deepEqual(parseEventKey('after', '18446744073709551615:9223372036854775807'), { xid: '18446744073709551615', position: '9223372036854775807' });
  });

  it('reads a pre-0142 checkpoint (a bare 16-digit position) as (0, position) and no checkpoint as the start', () => {
    assert.deepEqual(parseEventKey('after', '0000000000000042'), { xid: '0', position: '42' });
    assert.deepEqual(parseEventKey('after', undefined), START);
  });

  for (const bad of ['', 'abc', '12:', ':12', '1:2:3', '00000000000000001', '-1:2', '1.5:2', '18446744073709551616:1', '1:9223372036854775808', '1 :2']) {
    it(`rejects ${JSON.stringify(bad)} with InvalidArgumentError naming the field`, () => {
      assert.throws(() => parseEventKey('after', bad), (e: unknown) => isInvalidArgumentError(e) && e.field === 'after' && e.message.includes(bad));
    });
  }
});
