/**
 * Table-driven compatibility suite: the classic Avro evolution cases, each checked under all
 * seven modes, plus transitive histories where the latest version passes but an older one
 * does not. Expectations come from Avro's resolution rules (who reads whom), not from the code.
 */
import { strict as assert } from 'node:assert';
import { checkCompatibility, modeRules, parseCompatibilityMode } from '../../runtime/core/schema/compatibility';
import { COMPATIBILITY_MODES, isInvalidSchemaError, type CompatibilityMode } from '../../runtime/ports/SchemaRegistry';

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const record = (name: string, fields: Field[], aliases?: string[]) => ({ type: 'record', name, namespace: 'test', fields, ...(aliases ? { aliases } : {}) });
const order = (...fields: Field[]) => record('Order', [{ name: 'orderId', type: 'string' }, ...fields]);
const status = (symbols: string[], dflt?: string) => ({ type: 'enum', name: 'Status', symbols, ...(dflt ? { default: dflt } : {}) });
const address = (...fields: Field[]) => record('Address', [{ name: 'city', type: 'string' }, ...fields]);

interface Case {
  readonly name: string;
  readonly old: object;
  readonly next: object;
  /** Can the new schema read old data? */
  readonly backward: boolean;
  /** Can the old schema read new data? */
  readonly forward: boolean;
  /** Field path the messages must name when a direction fails. */
  readonly field?: string;
}

const cases: Case[] = [
  { name: 'add field with default', old: order(), next: order({ name: 'note', type: 'string', default: '' }), backward: true, forward: true },
  { name: 'add field without default', old: order(), next: order({ name: 'note', type: 'string' }), backward: false, forward: true, field: 'note' },
  { name: 'add optional field ["null", T] default null', old: order(), next: order({ name: 'note', type: ['null', 'string'], default: null }), backward: true, forward: true },
  { name: 'remove field with default', old: order({ name: 'note', type: 'string', default: '' }), next: order(), backward: true, forward: true },
  { name: 'remove field without default', old: order({ name: 'note', type: 'string' }), next: order(), backward: true, forward: false, field: 'note' },
  { name: 'int → long (promotion)', old: order({ name: 'qty', type: 'int' }), next: order({ name: 'qty', type: 'long' }), backward: true, forward: false, field: 'qty' },
  { name: 'long → int (no demotion)', old: order({ name: 'qty', type: 'long' }), next: order({ name: 'qty', type: 'int' }), backward: false, forward: true, field: 'qty' },
  { name: 'float → double (promotion)', old: order({ name: 'amount', type: 'float' }), next: order({ name: 'amount', type: 'double' }), backward: true, forward: false, field: 'amount' },
  { name: 'string → int (unrelated types)', old: order({ name: 'qty', type: 'string' }), next: order({ name: 'qty', type: 'int' }), backward: false, forward: false, field: 'qty' },
  {
    name: 'rename via field alias', old: order({ name: 'customerId', type: 'string' }),
    next: order({ name: 'customerRef', type: 'string', aliases: ['customerId'] }), backward: true, forward: false, field: 'customerId',
  },
  {
    name: 'rename without alias', old: order({ name: 'customerId', type: 'string' }),
    next: order({ name: 'customerRef', type: 'string' }), backward: false, forward: false, field: 'customer',
  },
  {
    name: 'rename record type via alias', old: record('Order', [{ name: 'orderId', type: 'string' }]),
    next: record('PurchaseOrder', [{ name: 'orderId', type: 'string' }], ['test.Order']), backward: true, forward: false,
  },
  { name: 'enum symbol added', old: order({ name: 'status', type: status(['OPEN', 'PAID']) }), next: order({ name: 'status', type: status(['OPEN', 'PAID', 'SHIPPED']) }), backward: true, forward: false, field: 'status' },
  {
    name: 'enum symbol added, old enum has a default', old: order({ name: 'status', type: status(['OPEN', 'PAID'], 'OPEN') }),
    next: order({ name: 'status', type: status(['OPEN', 'PAID', 'SHIPPED'], 'OPEN') }), backward: true, forward: true,
  },
  { name: 'enum symbol removed', old: order({ name: 'status', type: status(['OPEN', 'PAID', 'SHIPPED']) }), next: order({ name: 'status', type: status(['OPEN', 'PAID']) }), backward: false, forward: true, field: 'status' },
  { name: 'union widened', old: order({ name: 'ref', type: ['null', 'string'] }), next: order({ name: 'ref', type: ['null', 'string', 'long'] }), backward: true, forward: false, field: 'ref' },
  { name: 'union narrowed', old: order({ name: 'ref', type: ['null', 'string', 'long'] }), next: order({ name: 'ref', type: ['null', 'string'] }), backward: false, forward: true, field: 'ref' },
  { name: 'required → optional (T → ["null", T])', old: order({ name: 'ref', type: 'string' }), next: order({ name: 'ref', type: ['null', 'string'], default: null }), backward: true, forward: false, field: 'ref' },
  {
    name: 'nested record: field added with default', old: order({ name: 'shipTo', type: address() }),
    next: order({ name: 'shipTo', type: address({ name: 'zip', type: 'string', default: '' }) }), backward: true, forward: true,
  },
  {
    name: 'nested record: field added without default', old: order({ name: 'shipTo', type: address() }),
    next: order({ name: 'shipTo', type: address({ name: 'zip', type: 'string' }) }), backward: false, forward: true, field: 'shipTo.zip',
  },
  {
    name: 'nested optional record: field removed without default', old: order({ name: 'shipTo', type: ['null', address({ name: 'zip', type: 'string' })], default: null }),
    next: order({ name: 'shipTo', type: ['null', address()], default: null }), backward: true, forward: false, field: 'shipTo.zip',
  },
  {
    name: 'array items: int → long', old: order({ name: 'items', type: { type: 'array', items: record('Line', [{ name: 'quantity', type: 'int' }]) } }),
    next: order({ name: 'items', type: { type: 'array', items: record('Line', [{ name: 'quantity', type: 'long' }]) } }), backward: true, forward: false, field: 'items[].quantity',
  },
  { name: 'map values: long → int', old: order({ name: 'tags', type: { type: 'map', values: 'long' } }), next: order({ name: 'tags', type: { type: 'map', values: 'int' } }), backward: false, forward: true, field: 'tags' },
];

function expectedFor(c: Case, mode: CompatibilityMode): boolean {
  const rules = modeRules(mode);
  if (mode === 'NONE') return true;
  return (!rules.backward || c.backward) && (!rules.forward || c.forward);
}

describe('compatibility: classic Avro evolution cases × 7 modes', () => {
  for (const c of cases) {
    describe(c.name, () => {
      for (const mode of COMPATIBILITY_MODES) {
        const expected = expectedFor(c, mode);
        it(`${mode}: ${expected ? 'compatible' : 'incompatible'}`, () => {
          const result = checkCompatibility(c.next, [{ version: 1, schema: c.old }], mode);
          assert.equal(result.compatible, expected, result.messages.join('\n'));
          if (expected) {
            assert.deepEqual(result.messages, []);
          } else {
            assert.ok(result.messages.length > 0);
            for (const m of result.messages) assert.match(m, new RegExp(`\\(${mode}\\)$`), m);
            if (c.field) assert.ok(result.messages.some((m) => m.includes(`\`${c.field}`)), `no message names ${c.field}: ${result.messages.join('; ')}`);
          }
        });
      }
    });
  }
});

describe('compatibility: transitive modes look at every earlier version', () => {
  // v1 → v2 adds `note` with a default, v3 drops the default: v3 reads v2 data but not v1 data.
  const backwardHistory = [
    { version: 1, schema: order() },
    { version: 2, schema: order({ name: 'note', type: 'string', default: '' }) },
  ];
  const v3Backward = order({ name: 'note', type: 'string' });
  // v1 has `note` without default, v2 gives it a default, v3 removes it: v2 reads v3, v1 cannot.
  const forwardHistory = [
    { version: 1, schema: order({ name: 'note', type: 'string' }) },
    { version: 2, schema: order({ name: 'note', type: 'string', default: '' }) },
  ];
  const v3Forward = order();

  const table: Array<[CompatibilityMode, typeof backwardHistory, object, boolean]> = [
    ['BACKWARD', backwardHistory, v3Backward, true],
    ['BACKWARD_TRANSITIVE', backwardHistory, v3Backward, false],
    ['FORWARD', forwardHistory, v3Forward, true],
    ['FORWARD_TRANSITIVE', forwardHistory, v3Forward, false],
    ['FULL', forwardHistory, v3Forward, true],
    ['FULL_TRANSITIVE', forwardHistory, v3Forward, false],
    ['NONE', forwardHistory, { type: 'string' }, true],
  ];
  for (const [mode, history, candidate, expected] of table) {
    it(`${mode}: ${expected ? 'passes' : 'fails against v1'}`, () => {
      const result = checkCompatibility(candidate, history, mode);
      assert.equal(result.compatible, expected, result.messages.join('\n'));
      if (!expected) {
        assert.ok(result.problems.every((p) => p.against === 1), 'only v1 is incompatible');
        assert.match(result.messages[0]!, /field `note`/);
        assert.match(result.messages[0]!, /v3 .*v1|v1 .*v3/);
      }
    });
  }
});

describe('compatibility: messages and inputs', () => {
  it('words an added field without default the way a reviewer reads it', () => {
    const result = checkCompatibility(order({ name: 'note', type: 'string' }), [{ version: 1, schema: order() }], 'BACKWARD');
    assert.deepEqual(result.messages, ['field `note` was added without a default: a reader of v2 cannot read v1 data (BACKWARD)']);
  });
  it('words a removed required field under FORWARD', () => {
    const result = checkCompatibility(order(), [{ version: 1, schema: order({ name: 'note', type: 'string' }) }], 'FORWARD');
    assert.deepEqual(result.messages, ['field `note` was removed but v1 declares it without a default: a reader of v1 cannot read v2 data (FORWARD)']);
  });
  it('explains a rename via alias under FORWARD: aliases only help new readers', () => {
    const result = checkCompatibility(order({ name: 'customerRef', type: 'string', aliases: ['customerId'] }), [{ version: 1, schema: order({ name: 'customerId', type: 'string' }) }], 'FORWARD');
    assert.deepEqual(result.messages, ['field `customerId` was renamed to `customerRef` (an alias only helps new readers) and v1 declares it without a default: a reader of v1 cannot read v2 data (FORWARD)']);
  });
  it('uses the candidate label when given', () => {
    const result = checkCompatibility(order({ name: 'note', type: 'string' }), [{ version: 4, schema: order() }], 'BACKWARD', { candidateLabel: 'schemas/orders/Order.v5.avsc' });
    assert.match(result.messages[0]!, /a reader of schemas\/orders\/Order\.v5\.avsc cannot read v4 data/);
  });
  it('compares against the highest version, whatever the input order', () => {
    const history = [{ version: 2, schema: order({ name: 'note', type: 'string', default: '' }) }, { version: 1, schema: order() }];
    assert.equal(checkCompatibility(order({ name: 'note', type: 'string' }), history, 'BACKWARD').compatible, true);
  });
  it('accepts the first version of a subject under every mode', () => {
    for (const mode of COMPATIBILITY_MODES) assert.equal(checkCompatibility(order(), [], mode).compatible, true);
  });
  it('accepts JSON text as well as parsed schemas', () => {
    const result = checkCompatibility(JSON.stringify(order({ name: 'note', type: 'string' })), [{ version: 1, schema: JSON.stringify(order()) }], 'BACKWARD');
    assert.equal(result.compatible, false);
  });
  it('rejects an invalid candidate with InvalidSchemaError', () => {
    assert.throws(() => checkCompatibility('{"type":"record","name":"X"}', [], 'BACKWARD'), isInvalidSchemaError);
    assert.throws(() => checkCompatibility('{not json', [], 'BACKWARD'), isInvalidSchemaError);
  });
  it('parses mode names and names the accepted values on a typo', () => {
    assert.equal(parseCompatibilityMode('FULL_TRANSITIVE'), 'FULL_TRANSITIVE');
    assert.throws(() => parseCompatibilityMode('BACKWARDS'), /"BACKWARDS" is not a compatibility mode; expected one of BACKWARD, /);
  });
});
