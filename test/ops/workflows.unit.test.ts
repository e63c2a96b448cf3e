/**
 * The delivery pipeline as code: .github/workflows/{pr,deploy}.yml parse, have the jobs, steps
 * and least-privilege permissions the pipeline needs, use OIDC (never long-lived keys), cover
 * every Pulumi.<stack>.yaml, and scripts/pipeline.sh is a valid shell entry point.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, string> }
interface Job { 'runs-on'?: string; needs?: string | string[]; permissions?: Record<string, string>; strategy?: { matrix?: { stack?: string[]; include?: Array<Record<string, string>> } }; steps?: Step[] }
interface Workflow { name: string; on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> }

const load = (file: string): { text: string; wf: Workflow } => {
  const text = readFileSync(join(ROOT, '.github', 'workflows', file), 'utf8');
  return { text, wf: parse(text) as Workflow };
};
const stacks = (): string[] => readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice('Pulumi.'.length, -'.yaml'.length)).sort();
const cloudOf = (stack: string): string => /^\s*nexus:cloud:\s*(\S+)/m.exec(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), 'utf8'))?.[1] ?? '?';
const steps = (job: Job | undefined): Step[] => job?.steps ?? [];
const runs = (job: Job | undefined): string => steps(job).map((s) => s.run ?? '').join('\n');
const uses = (job: Job | undefined, action: string): Step | undefined => steps(job).find((s) => s.uses?.startsWith(`${action}@`));

/** Names of secrets/variables that hold long-lived credentials. */
const LONG_LIVED = /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|GOOGLE_APPLICATION_CREDENTIALS|GCP_SA_KEY|credentials_json|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|client-secret|creds:/i;
const WRITE_SCOPES = ['actions', 'checks', 'contents', 'deployments', 'issues', 'packages', 'pages', 'pull-requests', 'security-events', 'statuses'];

describe('pipeline as code (.github/workflows, scripts/pipeline.sh)', () => {
  it('every stack file exists for the matrices to cover', () => {
    assert.ok(stacks().length >= 2, 'expected several Pulumi.<stack>.yaml files');
  });

  describe('pr.yml', () => {
    const { text, wf } = load('pr.yml');
    it('runs on pull requests with read-only default permissions', () => {
      assert.ok('pull_request' in wf.on);
      assert.deepEqual(wf.permissions, { contents: 'read' });
    });
    it('runs npm ci, npm test and nexus schemas check', () => {
      const test = wf.jobs.test;
      assert.match(runs(test), /npm ci/);
      assert.match(runs(test), /npm test/);
      assert.match(runs(test), /schemas check/);
      assert.ok(uses(test, 'actions/checkout'));
      assert.ok(uses(test, 'actions/setup-node'));
    });
    it('plans every stack with the policy pack, through scripts/pipeline.sh pr', () => {
      const plan = wf.jobs.plan;
      assert.deepEqual([...(plan?.strategy?.matrix?.stack ?? [])].sort(), stacks(), 'the plan matrix must list every Pulumi.<stack>.yaml');
      assert.match(runs(plan), /scripts\/pipeline\.sh pr \$\{\{ matrix\.stack \}\}/);
      const script = readFileSync(join(ROOT, 'scripts', 'pipeline.sh'), 'utf8');
      assert.match(script, /plan --stack "\$s" --policy --json/);
    });
    it('posts the plan/policy summary as a PR comment, the only job allowed to write', () => {
      const comment = wf.jobs.comment;
      assert.ok(comment, 'expected a comment job');
      assert.ok([comment.needs].flat().includes('plan'));
      assert.deepEqual(comment.permissions, { contents: 'read', 'pull-requests': 'write' });
      const script = uses(comment, 'actions/github-script');
      assert.ok(script, 'expected actions/github-script');
      assert.match(String(script.with?.script), /createComment/);
      for (const [name, job] of Object.entries(wf.jobs)) {
        if (name === 'comment') continue;
        for (const scope of WRITE_SCOPES) assert.notEqual(job.permissions?.[scope], 'write', `${name} must not write ${scope}`);
      }
      assert.doesNotMatch(text, /\bid-token:\s*write/, 'the PR workflow needs no cloud identity');
    });
    it('holds no long-lived credentials', () => assert.doesNotMatch(text, LONG_LIVED));
  });

  describe('deploy.yml', () => {
    const { text, wf } = load('deploy.yml');
    const deploy = wf.jobs.deploy;
    it('runs on push to main with id-token: write and read-only contents', () => {
      assert.deepEqual((wf.on.push as { branches: string[] }).branches, ['main']);
      for (const p of [wf.permissions, deploy?.permissions]) assert.deepEqual(p, { contents: 'read', 'id-token': 'write' });
    });
    it('covers every stack with its cloud', () => {
      const include = deploy?.strategy?.matrix?.include ?? [];
      assert.deepEqual(include.map((i) => i.stack).sort(), stacks(), 'the deploy matrix must list every Pulumi.<stack>.yaml');
      for (const i of include) assert.equal(i.cloud, cloudOf(i.stack!), `stack ${i.stack}: matrix cloud differs from nexus:cloud`);
    });
    it('gets short-lived credentials through OIDC on each cloud', () => {
      const aws = uses(deploy, 'aws-actions/configure-aws-credentials');
      assert.ok(aws?.with?.['role-to-assume'], 'AWS: role-to-assume');
      assert.match(String(aws.if), /aws/);
      const gcp = uses(deploy, 'google-github-actions/auth');
      assert.ok(gcp?.with?.workload_identity_provider, 'GCP: workload_identity_provider');
      assert.match(String(gcp.if), /gcp/);
      const azure = uses(deploy, 'azure/login');
      for (const k of ['client-id', 'tenant-id', 'subscription-id']) assert.ok(azure?.with?.[k], `Azure: ${k}`);
      assert.match(String(azure?.if), /azure/);
    });
    it('installs the real Pulumi CLI and runs preview with the policy pack, then up, through scripts/pipeline.sh deploy', () => {
      assert.ok(uses(deploy, 'pulumi/actions'));
      assert.match(runs(deploy), /scripts\/pipeline\.sh deploy \$\{\{ matrix\.stack \}\}/);
      const script = readFileSync(join(ROOT, 'scripts', 'pipeline.sh'), 'utf8');
      const preview = script.indexOf('pulumi preview --stack "$s" --policy-pack policies');
      const up = script.indexOf('pulumi up --stack "$s" --policy-pack policies --yes');
      assert.ok(preview > 0 && up > preview, 'pipeline.sh deploy: preview with the policy pack, then up --yes');
    });
    it('holds no long-lived credentials', () => assert.doesNotMatch(text, LONG_LIVED));
  });

  it('pins every action to a major version', () => {
    for (const file of ['pr.yml', 'deploy.yml']) {
      for (const job of Object.values(load(file).wf.jobs)) for (const s of steps(job)) if (s.uses) assert.match(s.uses, /@v\d+$/, `${file}: ${s.uses}`);
    }
  });

  it('scripts/pipeline.sh is executable, valid bash, and refuses an unknown stage or stack', () => {
    const path = join(ROOT, 'scripts', 'pipeline.sh');
    assert.ok((statSync(path).mode & 0o111) !== 0, 'pipeline.sh must be executable');
    assert.equal(spawnSync('bash', ['-n', path]).status, 0);
    const bad = spawnSync('bash', [path, 'ship']);
    assert.equal(bad.status, 2);
    assert.match(String(bad.stderr), /usage/);
    const noStack = spawnSync('bash', [path, 'pr', 'nope'], { env: { ...process.env, NEXUS_SKIP_INSTALL: '1', NEXUS_SKIP_TESTS: '1', PATH: process.env.PATH } });
    assert.equal(noStack.status, 2);
    assert.match(String(noStack.stderr), /no Pulumi\.nope\.yaml/);
  });
});
