/**
 * Governance rules (policies/governance.ts) against the repository's real schemas/: registration
 * on each cloud's registry shape, and the preview-time compatibility check under each subject's
 * mode (FULL_TRANSITIVE OrderPlaced, BACKWARD by default).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemaCompatible, schemasRegistered } from '../../policies/governance';
import { loadSchemaDir } from '../../runtime/core/schema/schemaFiles';
import { assertNoViolations, assertViolation, stackViolations, type Synth } from './harness';

const SCHEMAS = path.resolve(__dirname, '../../schemas');
const set = loadSchemaDir(SCHEMAS);
const latest = [...set.subjects.values()].map((s) => s.versions[s.versions.length - 1]!);
const compact = (text: string): string => JSON.stringify(JSON.parse(text));
const subjectOf = (p: string): string => path.basename(p).split('.')[0]!;
const GLUE_MODE: Record<string, string> = { FULL_TRANSITIVE: 'FULL_ALL', BACKWARD_TRANSITIVE: 'BACKWARD_ALL' };

const glueRegistry: Synth = { type: 'aws:glue/registry:Registry', name: 'nexus-prod-registry-glue', component: 'schemaregistry', props: { registryName: 'nexus-prod-registry' } };
function glueSchemas(): Synth[] {
  return latest.map((v) => {
    const subject = subjectOf(v.path);
    const mode = set.subjects.get(subject)?.compatibility ?? set.defaultCompatibility;
    return {
      type: 'aws:glue/schema:Schema', name: `nexus-prod-registry-${subject}`, component: 'schemaregistry',
      props: { schemaName: subject, schemaDefinition: compact(v.schema), compatibility: GLUE_MODE[mode] ?? mode, dataFormat: 'AVRO', tags: { 'nexus-schema-version': String(v.version) } },
    };
  });
}
const pubsubSchemas = (): Synth[] => latest.map((v) => ({
  type: 'gcp:pubsub/schema:Schema', name: `nexus-prod-registry-${subjectOf(v.path)}`, component: 'schemaregistry', stack: 'gcp-prod',
  props: { name: `nexus-prod-registry-${subjectOf(v.path)}`, type: 'AVRO', definition: compact(v.schema) },
}));
const schemaGroup = (count: number): Synth => ({
  type: 'azure-native:eventhub:SchemaRegistry', name: 'nexus-prod-registry-group', component: 'schemaregistry', stack: 'azure-prod',
  props: { schemaGroupName: 'nexus-prod-registry', schemaType: 'Avro', groupProperties: { 'nexus-schemas': String(count) } },
});
const totalVersions = [...set.subjects.values()].reduce((n, s) => n + s.versions.length, 0);

/** A copy of OrderPlaced v2 with one more field; required (no default) breaks FULL_TRANSITIVE. */
function orderPlacedWithNewField(withDefault: boolean): string {
  const v2 = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'orders/OrderPlaced.v2.avsc'), 'utf8')) as { fields: unknown[] };
  v2.fields.push(withDefault ? { name: 'salesRegion', type: 'string', default: 'eu' } : { name: 'salesRegion', type: 'string' });
  return JSON.stringify(v2);
}
const replace = (schemas: Synth[], subject: string, props: Record<string, unknown>): Synth[] =>
  schemas.map((s) => (s.props['schemaName'] === subject || s.name.endsWith(`-${subject}`) ? { ...s, props: { ...s.props, ...props } } : s));

describe('policies/governance: schemas-registered (stack)', () => {
  it('aws: a Glue schema per subject at its latest version passes', async () => {
    assertNoViolations(await stackViolations(schemasRegistered, [glueRegistry, ...glueSchemas()]));
  });
  it('aws: a missing event type is a violation naming its file', async () => {
    const without = glueSchemas().filter((s) => s.props['schemaName'] !== 'StockRestocked');
    assertViolation(await stackViolations(schemasRegistered, [glueRegistry, ...without]), /event type StockRestocked \(schemas\/inventory\/StockRestocked\.v1\.avsc\) is not registered/);
  });
  it('aws: registering an older version than schemas/ holds is a violation', async () => {
    const old = replace(glueSchemas(), 'OrderPlaced', { tags: { 'nexus-schema-version': '1' } });
    assertViolation(await stackViolations(schemasRegistered, [glueRegistry, ...old]), /registers OrderPlaced v1; schemas\/ has v2/);
  });
  it('gcp: a Pub/Sub schema per subject passes; a missing one is a violation', async () => {
    assertNoViolations(await stackViolations(schemasRegistered, pubsubSchemas()));
    assertViolation(await stackViolations(schemasRegistered, pubsubSchemas().slice(1)), /is not registered in the stack's registry/);
  });
  it('azure: the schema group must declare every version', async () => {
    assertNoViolations(await stackViolations(schemasRegistered, [schemaGroup(totalVersions)]));
    assertViolation(await stackViolations(schemasRegistered, [schemaGroup(totalVersions - 1)]), new RegExp(`declares ${totalVersions - 1} schema versions; schemas/ has ${totalVersions}`));
  });
  it('a plan with no registry at all is a violation', async () => {
    assertViolation(await stackViolations(schemasRegistered, []), /the plan has no schema registry/);
  });
  it('an unreadable schemas directory is reported, not thrown', async () => {
    assertViolation(await stackViolations(schemasRegistered, [glueRegistry], { schemasDir: '/nonexistent/schemas' }), /cannot read the event schemas at \/nonexistent\/schemas/);
  });
});

describe('policies/governance: schema-compatible (stack)', () => {
  it('aws and gcp: the repository schemas as planned are compatible', async () => {
    assertNoViolations(await stackViolations(schemaCompatible, [glueRegistry, ...glueSchemas()]));
    assertNoViolations(await stackViolations(schemaCompatible, pubsubSchemas()));
  });
  it('aws: a required field added to OrderPlaced v2 breaks FULL_TRANSITIVE against v1', async () => {
    const broken = replace(glueSchemas(), 'OrderPlaced', { schemaDefinition: orderPlacedWithNewField(false) });
    assertViolation(await stackViolations(schemaCompatible, [glueRegistry, ...broken]), /OrderPlaced v2 is not FULL_TRANSITIVE-compatible: .*salesRegion/);
  });
  it('aws: the same field with a default is compatible', async () => {
    const fine = replace(glueSchemas(), 'OrderPlaced', { schemaDefinition: orderPlacedWithNewField(true) });
    assertNoViolations(await stackViolations(schemaCompatible, [glueRegistry, ...fine]));
  });
  it('gcp: the incompatible definition is caught on Pub/Sub too (GCP has no modes of its own)', async () => {
    const broken = replace(pubsubSchemas(), 'OrderPlaced', { definition: orderPlacedWithNewField(false) });
    assertViolation(await stackViolations(schemaCompatible, broken), /OrderPlaced v2 is not FULL_TRANSITIVE-compatible/);
  });
  it('aws: a Glue compatibility mode that disagrees with registry.json is a violation', async () => {
    const loose = replace(glueSchemas(), 'OrderPlaced', { compatibility: 'NONE' });
    assertViolation(await stackViolations(schemaCompatible, [glueRegistry, ...loose]), /sets compatibility NONE; schemas\/registry\.json says FULL_TRANSITIVE for OrderPlaced/);
  });
  it('an invalid Avro definition is a violation naming the subject', async () => {
    const invalid = replace(glueSchemas(), 'ItemAdded', { schemaDefinition: '{"type":"record","name":"ItemAdded","fields":[{"name":"x","type":"nope"}]}' });
    assertViolation(await stackViolations(schemaCompatible, [glueRegistry, ...invalid]), /ItemAdded v1 is not a valid Avro schema/);
  });
});
