/**
 * `nexus plan`: the report views over a captured plan (summary table, counts, manifest,
 * Mermaid) and the command itself run through commander, offline under mocks.
 */
import { strict as assert } from 'node:assert';
import { Command } from 'commander';
import { register, runPlan } from '../../runtime/cli/commands/plan';
import { renderMermaid, renderText, summarize } from '../../runtime/cli/plan/report';
import { manifestProblems } from '../../runtime/manifestValidation';
import { plan, ROOT } from './plans';

describe('nexus plan', function () {
  this.timeout(60000);

  it('summarizes per component and per resource type, with the manifest', async () => {
    const p = await plan('dev');
    const report = summarize(p);
    const names = report.components.map((c) => c.component);
    for (const c of ['store', 'bus', 'registry', 'search', 'notifications', 'runtime', 'observability']) {
      assert.ok(names.includes(`nexus-dev-${c}`), `component nexus-dev-${c} in ${names.join(', ')}`);
    }
    const total = Object.values(report.typeCounts).reduce((a, b) => a + b, 0);
    assert.equal(total, report.resourceCount);
    assert.equal(report.components.reduce((a, c) => a + c.resources, 0), report.resourceCount, 'every resource belongs to one component');
    assert.equal(report.typeCounts['aws:lambda/function:Function'], 6, 'api, relay, projections, sagas, snapshots, saga timeouts');
    assert.deepEqual(manifestProblems(report.manifest), []);
    const text = renderText(report);
    assert.match(text, /^Plan for nexus\/dev \(offline, Pulumi mocks\): \d+ resources in 8 components/);
    assert.match(text, /nexus-dev-store\s+nexus:eventstore:EventStore\s+4\s+aws:dynamodb:Table×3/);
    assert.match(text, /"kind": "dynamodb"/);
  });

  it('emits a Mermaid flowchart with one subgraph per component and dependency edges', async () => {
    const m = renderMermaid(await plan('dev'));
    const lines = m.split('\n');
    assert.equal(lines[0], 'flowchart LR');
    assert.equal(lines.filter((l) => l.trim().startsWith('subgraph ')).length, 7);
    assert.equal(lines.filter((l) => l.trim() === 'end').length, 7);
    assert.ok(lines.filter((l) => / --> /.test(l)).length > 50, 'dependency edges present');
  });

  it('runs as a CLI command: --json carries the full graph, exit code 0 on a sound plan', async () => {
    const result = await runPlan({ stack: 'aws-prod', json: true, root: ROOT });
    assert.equal(result.exitCode, 0);
    const json = JSON.parse(result.output) as { stack: string; resources: unknown[]; manifestProblems: unknown[]; manifest: { environment: string } };
    assert.equal(json.stack, 'aws-prod');
    assert.equal(json.manifest.environment, 'prod');
    assert.deepEqual(json.manifestProblems, []);
    assert.equal(json.resources.length, result.plan.resources.length);
  });

  it('names the missing stack file and the stacks that exist', async () => {
    const program = new Command().exitOverride();
    register(program);
    await assert.rejects(program.parseAsync(['node', 'nexus', 'plan', '--stack', 'nope']), /Pulumi\.nope\.yaml not found; stacks here: .*dev/);
  });
});
