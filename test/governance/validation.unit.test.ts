/**
 * JSON event data against Avro schemas (ADR 0022 mapping): every issue carries a field path
 * and says what was expected and what was found.
 */
import { strict as assert } from 'node:assert';
import { compileValidator, formatIssues, formatPath, validateData } from '../../runtime/core/schema/validation';
import { isInvalidSchemaError } from '../../runtime/ports/SchemaRegistry';

const line = { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }, { name: 'quantity', type: 'int' }] };
const schema = {
  type: 'record', name: 'OrderPlaced', namespace: 'nexus.orders',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['OPEN', 'PAID'] } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'items', type: { type: 'array', items: line } },
    { name: 'totalCents', type: 'long' },
    { name: 'shipTo', type: ['null', { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }] }], default: null },
    { name: 'tags', type: { type: 'map', values: 'string' }, default: {} },
  ],
};
const valid = { orderId: 'o-1', status: 'OPEN', items: [{ sku: 'A', quantity: 2 }], totalCents: 1200 };
const validate = compileValidator(schema);

describe('validation: JSON event data against an Avro schema', () => {
  it('accepts valid data, with optional fields absent, null or a plain value', () => {
    assert.deepEqual(validate(valid), []);
    assert.deepEqual(validate({ ...valid, note: null, shipTo: null }), []);
    assert.deepEqual(validate({ ...valid, note: 'leave at door', shipTo: { city: 'Lyon' }, tags: { a: 'b' } }), []);
  });
  it('names the array element and field: items[0].quantity: expected int, got string', () => {
    const issues = validate({ ...valid, items: [{ sku: 'A', quantity: 'two' }] });
    assert.deepEqual(issues, [{ path: 'items[0].quantity', message: 'expected int, got string' }]);
    assert.equal(formatIssues(issues), 'items[0].quantity: expected int, got string');
  });
  it('reports a missing required field with its expected type', () => {
    const { orderId: _omit, ...rest } = valid;
    assert.deepEqual(validate(rest), [{ path: 'orderId', message: 'required field is missing (expected string)' }]);
  });
  it('reports every problem, not only the first', () => {
    const issues = validate({ ...valid, orderId: 7, status: 'LOST', totalCents: 1.5 });
    assert.deepEqual(issues.map((i) => i.path), ['orderId', 'status', 'totalCents']);
    assert.match(issues[1]!.message, /expected one of OPEN, PAID \(enum Status\), got "LOST"/);
    assert.equal(issues[2]!.message, 'expected long, got number');
  });
  it('rejects fields the schema does not declare (Avro would drop them silently)', () => {
    assert.deepEqual(validate({ ...valid, discount: 5 }), [
      { path: 'discount', message: 'field is not declared in OrderPlaced (declared: orderId, status, note, items, totalCents, shipTo, tags)' },
    ]);
    assert.equal(validate({ ...valid, items: [{ sku: 'A', quantity: 1, colour: 'red' }] })[0]?.path, 'items[0].colour');
    // At every depth at once, inside unions and maps too.
    const issues = validate({ ...valid, extra: 1, items: [{ sku: 'A', quantity: 1, colour: 'red' }], shipTo: { city: 'Lyon', zip: '69001' } });
    assert.deepEqual(issues.map((i) => i.path), ['extra', 'items[0].colour', 'shipTo.zip']);
  });
  it('rejects Avro\'s wrapped union JSON encoding: optional values are plain JSON', () => {
    assert.deepEqual(validate({ ...valid, note: { string: 'x' } }), [{ path: 'note', message: 'expected null | string, got object' }]);
  });
  it('checks records inside unions and maps', () => {
    assert.deepEqual(validate({ ...valid, shipTo: { city: 3 } }), [{ path: 'shipTo.city', message: 'expected string, got integer' }]);
    assert.deepEqual(validate({ ...valid, tags: { a: 1 } }), [{ path: 'tags.a', message: 'expected string, got integer' }]);
  });
  it('checks integer ranges: int is 32-bit, long must be a safe JSON integer', () => {
    assert.match(validate({ ...valid, items: [{ sku: 'A', quantity: 2 ** 31 }] })[0]!.message, /expected int \(32-bit\), got 2147483648, which is out of range/);
    assert.match(validate({ ...valid, totalCents: 2 ** 60 })[0]!.message, /expected long within/);
  });
  it('requires a JSON object at the top level', () => {
    assert.deepEqual(validateData(schema, 'x'), [{ path: '', message: 'expected OrderPlaced, got string' }]);
    assert.deepEqual(validateData(schema, null), [{ path: '', message: 'expected OrderPlaced, got null' }]);
  });
  it('refuses schemas whose unions plain JSON cannot tell apart', () => {
    assert.throws(() => compileValidator({ type: 'record', name: 'X', fields: [{ name: 'n', type: ['int', 'long'] }] }), isInvalidSchemaError);
  });
  it('formats avsc paths', () => {
    assert.equal(formatPath(['items', '0', 'quantity']), 'items[0].quantity');
    assert.equal(formatPath([]), '');
  });
});
