/**
 * Generated event types: the committed examples/orders/generated/events.ts must equal what
 * scripts/gen-event-types.ts produces from schemas/ today (run `npm run gen:types` to fix),
 * and the generator follows the JSON↔Avro mapping (ADR 0022).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { DEFAULT_OUT, generateEventTypes } from '../../scripts/gen-event-types';
import { loadSchemaDir, parseSchemaSet } from '../../runtime/core/schema/schemaFiles';
import { LATEST_SCHEMA_VERSIONS } from '../../examples/orders/generated/events';
import { orderDecider } from '../../examples/orders';
import { SCHEMAS_DIR } from './fixtures';

describe('generated event types', () => {
  it('the committed examples/orders/generated/events.ts matches schemas/ (run npm run gen:types)', () => {
    assert.equal(readFileSync(DEFAULT_OUT, 'utf8'), generateEventTypes(loadSchemaDir(SCHEMAS_DIR)), 'generated types drifted from schemas/orders: run npm run gen:types');
  });

  it('the Orders decider writes the latest schema version of every event type', () => {
    assert.deepEqual(orderDecider.schemaVersions, LATEST_SCHEMA_VERSIONS);
    assert.deepEqual([...orderDecider.eventTypes].sort(), Object.keys(LATEST_SCHEMA_VERSIONS).sort());
  });

  it('maps Avro to TypeScript: enums, optional unions, arrays, maps, nested records, docs', () => {
    const schema = {
      type: 'record', name: 'Sample', namespace: 'x', doc: 'A sample.',
      fields: [
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'tags', type: { type: 'map', values: 'long' } },
        { name: 'parts', type: { type: 'array', items: { type: 'record', name: 'Part', fields: [{ name: 'ok', type: 'boolean', doc: 'Is it?' }] } } },
      ],
    };
    const text = generateEventTypes(parseSchemaSet([{ path: 'demo/Sample.v1.avsc', text: JSON.stringify(schema) }]), 'demo');
    assert.match(text, /export type Kind = 'A' \| 'B';/);
    assert.match(text, /\/\*\* A sample\. \*\/\nexport interface SampleData \{/);
    assert.match(text, /readonly note: null \| string;/);
    assert.match(text, /readonly tags: Readonly<Record<string, number>>;/);
    assert.match(text, /readonly parts: readonly Part\[\];/);
    assert.match(text, /export interface Part \{\n {2}\/\*\* Is it\? \*\/\n {2}readonly ok: boolean;/);
    assert.match(text, /Sample: 1,/);
    assert.throws(() => generateEventTypes(parseSchemaSet([]), 'demo'), /no schemas under schemas\/demo\//);
  });
});
