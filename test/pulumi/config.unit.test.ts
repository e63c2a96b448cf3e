/**
 * decodeConfig is a pure function: tested without mocks. Bad keys and values must fail naming
 * the key and the allowed values; Pulumi.yaml must declare exactly the decoder's keys and defaults;
 * every Pulumi.<stack>.yaml in the repo must decode.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { decodeConfig, partitionsFor } from '../../components/config';
import { KEY_DECODERS } from '../../components/configKeys';

const root = path.resolve(__dirname, '../..');
const base = { 'nexus:cloud': 'aws', 'nexus:region': 'eu-west-1' };

describe('decodeConfig', () => {
  it('applies the defaults for a minimal aws config', () => {
    const c = decodeConfig(base);
    assert.equal(c.cloud, 'aws');
    assert.equal(c.environment, 'dev');
    assert.equal(c.deletionProtection, false);
    assert.deepEqual(c.consumerGroups, ['projections', 'sagas']);
    assert.equal(c.snapshots.everyNEvents, 100);
    assert.equal(c.throughput.busPartitions, 1);
    assert.equal(c.monthlyBudgetUsd, undefined);
    assert.deepEqual(c.tags, {});
  });

  it('decodes Pulumi string values: integers, JSON lists, key=value tags', () => {
    const c = decodeConfig({
      ...base, 'nexus:environment': 'prod', 'nexus:authJwksUrl': 'https://id.example.com/jwks', 'nexus:eventsPerSecond': '2000', 'nexus:alarmEmails': '["a@b.io"]',
      'nexus:tags': '["team=core","cost=1"]', 'nexus:monthlyBudgetUsd': '250',
    });
    assert.equal(c.deletionProtection, true, 'prod is protected by default');
    assert.equal(c.throughput.busPartitions, 3);
    assert.deepEqual(c.alarms.emails, ['a@b.io']);
    assert.deepEqual(c.tags, { team: 'core', cost: '1' });
    assert.equal(c.monthlyBudgetUsd, 250);
    assert.deepEqual(c.auth, { jwksUrl: 'https://id.example.com/jwks' });
  });

  it('lets deletionProtection override the environment default', () => {
    assert.equal(decodeConfig({ ...base, 'nexus:environment': 'prod', 'nexus:authJwksUrl': 'https://id.example.com/jwks', 'nexus:deletionProtection': 'off' }).deletionProtection, false);
    assert.equal(decodeConfig({ ...base, 'nexus:deletionProtection': 'on' }).deletionProtection, true);
  });

  it('ignores other namespaces (aws:, gcp:, azure-native:)', () => {
    assert.equal(decodeConfig({ ...base, 'aws:region': 'eu-west-1', 'gcp:project': 'x' }).region, 'eu-west-1');
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown key', { 'nexus:colud': 'aws' }, /config nexus:colud: unknown key; allowed keys: .*nexus:cloud/],
    ['a missing cloud', { 'nexus:cloud': undefined }, /config nexus:cloud: required; allowed values: aws, gcp, azure, selfhosted/],
    ['an unknown cloud', { 'nexus:cloud': 'oracle' }, /config nexus:cloud: "oracle" is not allowed; allowed values: aws, gcp, azure, selfhosted/],
    ['a bad environment', { 'nexus:environment': 'production' }, /config nexus:environment: "production" is not allowed; allowed values: dev, staging, prod/],
    ['a non-integer', { 'nexus:eventsPerSecond': '12.5' }, /config nexus:eventsPerSecond: "12.5" is not allowed; allowed values: integers 1\.\.1000000/],
    ['an out-of-range retention', { 'nexus:busRetentionHours': '500' }, /config nexus:busRetentionHours: .*integers 24\.\.168/],
    ['a list that is not a list', { 'nexus:consumerGroups': '"projections"' }, /config nexus:consumerGroups: expected a list of strings/],
    ['a bad list item', { 'nexus:alarmEmails': '["not-an-email"]' }, /config nexus:alarmEmails\[0\]: "not-an-email" is not allowed/],
    ['broken JSON', { 'nexus:alarmEmails': '[oops' }, /config nexus:alarmEmails: expected a list of strings \(as YAML or JSON\)/],
    ['a bad tag', { 'nexus:tags': '["no-equals"]' }, /config nexus:tags\[0\]: "no-equals" is not allowed/],
    ['gcp without a project', { 'nexus:cloud': 'gcp' }, /config nexus:gcpProject: required when nexus:cloud is "gcp"/],
    ['prod without a JWKS URL', { 'nexus:environment': 'prod' }, /config nexus:authJwksUrl: required when nexus:environment is "prod"/],
    ['a plain-http JWKS URL', { 'nexus:authJwksUrl': 'http://id.example.com/jwks' }, /config nexus:authJwksUrl: "http:\/\/id\.example\.com\/jwks" is not allowed/],
    ['a bad deletionProtection', { 'nexus:deletionProtection': 'yes' }, /allowed values: auto, on, off/],
  ];
  for (const [what, patch, message] of bad) {
    it(`rejects ${what}, naming the key and the allowed values`, () => {
      assert.throws(() => decodeConfig({ ...base, ...patch }), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
    });
  }

  it('sizes partitions from the throughput hint with 50% headroom', () => {
    assert.deepEqual([1, 666, 667, 2000, 10000].map(partitionsFor), [1, 1, 2, 3, 15]);
  });
});

describe('Pulumi.yaml and stack files', () => {
  const project = parse(fs.readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) as {
    name: string; config: Record<string, { type: string; default?: unknown; description?: string }>;
  };

  it('declares exactly the decoder keys, with the same types and defaults', () => {
    assert.equal(project.name, 'nexus');
    assert.deepEqual(Object.keys(project.config), Object.keys(KEY_DECODERS).map((k) => `nexus:${k}`));
    for (const [key, decoder] of Object.entries(KEY_DECODERS)) {
      const declared = project.config[`nexus:${key}`]!;
      assert.equal(declared.type, decoder.type, `nexus:${key} type`);
      assert.deepEqual(declared.default, decoder.default, `nexus:${key} default`);
      assert.ok(declared.description && declared.description.length > 10, `nexus:${key} has a description`);
    }
  });

  const stacks = fs.readdirSync(root).filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f));
  it('has a dev stack and prod examples for aws, gcp and azure', () => {
    for (const s of ['Pulumi.dev.yaml', 'Pulumi.aws-prod.yaml', 'Pulumi.gcp-prod.yaml', 'Pulumi.azure-prod.yaml']) assert.ok(stacks.includes(s), s);
  });
  for (const file of stacks) {
    it(`${file} decodes`, () => {
      const doc = parse(fs.readFileSync(path.join(root, file), 'utf8')) as { config: Record<string, unknown> };
      const c = decodeConfig(doc.config);
      assert.ok(['aws', 'gcp', 'azure', 'selfhosted'].includes(c.cloud));
    });
  }
});
