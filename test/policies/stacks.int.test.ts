/**
 * Whole-stack policy runs through the gRPC route (runtime/cli/plan/policyRunner.ts): the pack in
 * policies/ runs as a child process and is driven like the Pulumi CLI drives it, over the graphs
 * the program plans under mocks for the dev, aws-prod, gcp-prod and azure-prod stacks. The real
 * stacks pass every architecture rule as mandatory; deliberately weakened copies fail with the
 * expected violations; `nexus plan --policy` exits 1 on a violating plan.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planStack, findRoot, type StackPlan } from '../../runtime/cli/plan/runStack';
import type { PlannedResource } from '../../runtime/cli/plan/graph';
import { defaultPackDir, runPolicyPack, type PolicyRunResult } from '../../runtime/cli/plan/policyRunner';
import { policyConfigFromStack, policyExitCode, renderPolicyText } from '../../runtime/cli/plan/policyReport';
import { runPlan } from '../../runtime/cli/commands/plan';
import { estimateMonthlyCost } from '../../policies/costEstimator';
import { BUDGET_DEFAULTS, plannedBudget } from '../../policies/cost';
import { policyResource } from './harness';
import { collect, type Mapping } from '../../policies/mapping/types';
import { storeMappings } from '../../policies/mapping/stores';
import { consumerMappings, orderingMappings } from '../../policies/mapping/messaging';
import { exposureMappings, tlsMappings } from '../../policies/mapping/network';
import { grantMappings } from '../../policies/mapping/identity';
import { alarmMappings } from '../../policies/mapping/alarms';
import { registryMappings } from '../../policies/mapping/schemas';

const root = findRoot();
const packDir = defaultPackDir(root);
const STACKS = ['dev', 'aws-prod', 'gcp-prod', 'azure-prod'] as const;
const plans = new Map<string, StackPlan>();

const allMandatory = (plan: StackPlan): Promise<PolicyRunResult> =>
  runPolicyPack(plan, { packDir, allMandatory: true, config: policyConfigFromStack(plan.config) });

function weakened(plan: StackPlan, mutate: (r: PlannedResource) => PlannedResource): StackPlan {
  return { ...plan, resources: plan.resources.map((r) => mutate(r)) };
}
const withInputs = (r: PlannedResource, inputs: Record<string, unknown>): PlannedResource => ({ ...r, inputs: { ...r.inputs, ...inputs } });
const violationsOf = (res: PolicyRunResult, policy: string) => res.violations.filter((v) => v.policy === policy);

describe('policies: whole stacks through the analyzer gRPC service', function () {
  this.timeout(300_000);

  before(async function () {
    this.timeout(300_000);
    for (const stack of STACKS) plans.set(stack, await planStack({ stack }));
  });

  const plan = (s: string): StackPlan => {
    const p = plans.get(s);
    if (!p) throw new Error(`no plan for ${s}`);
    return p;
  };

  for (const stack of STACKS) {
    it(`${stack}: every architecture rule passes as mandatory; the budget verdict is the estimator's`, async () => {
      const p = plan(stack);
      const res = await allMandatory(p);
      assert.equal(res.pack.name, 'nexus');
      assert.equal(res.analyzed, p.resources.length);
      assert.ok(res.policies.length >= 13, `policies: ${res.policies.map((x) => x.name).join(', ')}`);
      const architecture = res.violations.filter((v) => v.policy !== 'monthly-budget');
      assert.deepEqual(architecture, [], renderPolicyText(stack, res));
      // The budget rule's verdict must be exactly what the pure estimator says for this plan.
      const cfg = { ...BUDGET_DEFAULTS, ...(policyConfigFromStack(p.config)['monthly-budget'] as object) };
      const estimate = estimateMonthlyCost(p.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })), cfg);
      const budget = cfg.monthlyBudgetUsd || plannedBudget(p.resources.map((r) => policyResource({ type: r.type, name: r.name, props: r.inputs }))) || 0;
      assert.equal(violationsOf(res, 'monthly-budget').length, estimate.totalUsd > budget ? 1 : 0, `estimate ${estimate.totalUsd} vs budget ${budget}`);
    });
  }

  it('the passes are not vacuous: every rule family finds the resources it judges on every cloud', () => {
    const families: Record<string, readonly Mapping<unknown>[]> = {
      stores: storeMappings, consumers: consumerMappings, exposure: exposureMappings, tls: tlsMappings,
      grants: grantMappings, alarms: alarmMappings, registry: registryMappings,
    };
    for (const stack of STACKS) {
      const resources = plan(stack).resources.map((r) => ({ ...policyResource({ type: r.type, name: r.name, props: r.inputs }), urn: r.urn }));
      for (const [family, mappings] of Object.entries(families)) {
        assert.ok(collect(mappings, resources).length > 0, `${stack}: no resource for the ${family} rules`);
      }
    }
    // Only GCP's core path has subscriptions to judge; AWS's core path is Kinesis, Azure's Event Hubs (ordered per key by design).
    const gcp = plan('gcp-prod').resources.map((r) => ({ ...policyResource({ type: r.type, name: r.name, props: r.inputs }), urn: r.urn }));
    assert.equal(collect(orderingMappings, gcp).length, 2);
  });

  it('aws-prod weakened (events table on an AWS-owned key, a queue without DLQ, an incompatible schema) fails with those violations', async () => {
    const schemasDir = path.join(root, 'schemas');
    const v2 = JSON.parse(fs.readFileSync(path.join(schemasDir, 'orders/OrderPlaced.v2.avsc'), 'utf8')) as { fields: unknown[] };
    v2.fields.push({ name: 'salesRegion', type: 'string' }); // required field: not FULL_TRANSITIVE
    const weak = weakened(plan('aws-prod'), (r) => {
      if (r.name === 'nexus-aws-prod-store-events') return withInputs(r, { serverSideEncryption: undefined });
      if (r.name === 'nexus-aws-prod-bus-projections') return withInputs(r, { redrivePolicy: undefined });
      if (r.name === 'nexus-aws-prod-registry-OrderPlaced') return withInputs(r, { schemaDefinition: JSON.stringify(v2) });
      return r;
    });
    const res = await allMandatory(weak);
    assert.equal(policyExitCode(res), 1);
    const enc = violationsOf(res, 'event-store-encrypted');
    assert.deepEqual(enc.map((v) => [v.resourceName, v.level]), [['nexus-aws-prod-store-events', 'mandatory']]);
    assert.match(enc[0]!.message, /provider-managed key in environment "prod"/);
    const dlq = violationsOf(res, 'consumer-dead-letter');
    assert.deepEqual([...new Set(dlq.map((v) => v.resourceName))], ['nexus-aws-prod-bus-projections']);
    assert.ok(dlq.some((v) => /has no dead-letter target/.test(v.message)));
    const compat = violationsOf(res, 'schema-compatible');
    assert.equal(compat.length, 1);
    assert.equal(compat[0]!.resourceName, 'nexus-aws-prod-registry-OrderPlaced');
    assert.match(compat[0]!.message, /OrderPlaced v2 is not FULL_TRANSITIVE-compatible: .*salesRegion/);
    const text = renderPolicyText('aws-prod', res);
    assert.match(text, /MANDATORY violations/);
    assert.match(text, /\[event-store-encrypted\] aws:dynamodb\/table:Table nexus-aws-prod-store-events/);
  });

  it('gcp-prod weakened (no CMK, an unordered core subscription without dead-lettering) and azure-prod weakened (public Cosmos DB) fail', async () => {
    const gcp = await allMandatory(weakened(plan('gcp-prod'), (r) => {
      if (r.type === 'gcp:firestore/database:Database' && r.name === 'nexus-gcp-prod-store-db') return withInputs(r, { cmekConfig: undefined });
      if (r.name === 'nexus-gcp-prod-runtime-projections-core') return withInputs(r, { deadLetterPolicy: undefined, enableMessageOrdering: false });
      return r;
    }));
    assert.deepEqual(violationsOf(gcp, 'event-store-encrypted').map((v) => v.resourceName), ['nexus-gcp-prod-store-db']);
    assert.ok(violationsOf(gcp, 'consumer-dead-letter').some((v) => v.resourceName === 'nexus-gcp-prod-runtime-projections-core'));
    assert.deepEqual(violationsOf(gcp, 'core-path-ordered').map((v) => v.resourceName), ['nexus-gcp-prod-runtime-projections-core']);

    const azure = await allMandatory(weakened(plan('azure-prod'), (r) => (r.type === 'azure-native:cosmosdb:DatabaseAccount' ? withInputs(r, { publicNetworkAccess: 'Enabled' }) : r)));
    const pub = violationsOf(azure, 'no-public-data-plane');
    assert.equal(pub.length, 1);
    assert.match(pub[0]!.message, /Cosmos DB account .* is publicly reachable: publicNetworkAccess is Enabled, expected Disabled/);
    assert.equal(policyExitCode(azure), 1);
  });

  it('aws-prod without the saga timeout function\'s async on-failure destination fails consumer-dead-letter (found through the gRPC property dependencies)', async () => {
    const p = plan('aws-prod');
    const asyncConfig = p.resources.find((r) => r.name === 'nexus-aws-prod-runtime-saga-timeouts-async');
    assert.ok(asyncConfig, 'the planned stack has the saga timeout async invocation config');
    const res = await allMandatory({ ...p, resources: p.resources.filter((r) => r !== asyncConfig) });
    const dlq = violationsOf(res, 'consumer-dead-letter');
    assert.deepEqual(dlq.map((v) => v.resourceName), ['nexus-aws-prod-runtime-saga-timeouts-target'], renderPolicyText('aws-prod', res));
    assert.match(dlq[0]!.message, /invokes Lambda function nexus-aws-prod-runtime-saga-timeouts-fn asynchronously, but no async invocation config/);
  });

  it('policy config reaches the pack over Configure: a tighter delivery ceiling fails aws-prod', async () => {
    const res = await runPolicyPack(plan('aws-prod'), { packDir, config: { 'consumer-dead-letter': { maxDeliveryAttempts: 3 }, 'monthly-budget': 'disabled' } });
    const v = violationsOf(res, 'consumer-dead-letter');
    assert.ok(v.length > 0 && v.every((x) => /expected at most 3/.test(x.message)), renderPolicyText('aws-prod', res));
    assert.deepEqual(res.notApplicable.filter((n) => n.policy === 'monthly-budget'), []);
  });

  it('nexus plan --policy: exit 0 on aws-prod with the pack defaults (budget advisory), text grouped by level', async () => {
    const result = await runPlan({ stack: 'aws-prod', policy: true });
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /Policy pack nexus@0\.1\.0 on stack aws-prod/);
    assert.match(result.output, /PASSED: no mandatory policy violations/);
    assert.ok(result.policy && result.policy.violations.every((v) => v.level === 'advisory'));
  });

  it('the Pulumi CLI\'s own loader (run-policy-pack, ts-node with type checking) serves the same pack', async () => {
    const res = await runPolicyPack(plan('dev'), { packDir, loader: 'pulumi', allMandatory: true, config: policyConfigFromStack(plan('dev').config) });
    assert.equal(res.pack.name, 'nexus');
    assert.deepEqual(res.violations.filter((v) => v.policy !== 'monthly-budget'), []);
  });
});
