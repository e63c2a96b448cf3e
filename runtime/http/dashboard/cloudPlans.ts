/**
 * The clouds view's data: `nexus plan` for the aws, gcp and azure stacks, computed lazily on
 * the first request (each takes seconds: the Pulumi program runs under mocks, then the policy
 * pack) in child processes (planWorker.ts), and cached for the life of the server. Requests
 * made while planning get `status: "planning"` and poll.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { CloudPlanView } from './planView';

export type CloudPlanState =
  | { readonly stack: string; readonly status: 'planning'; readonly startedAt: string }
  | { readonly stack: string; readonly status: 'ready'; readonly plan: CloudPlanView }
  | { readonly stack: string; readonly status: 'failed'; readonly error: string };

export const CLOUD_STACKS = ['aws-prod', 'gcp-prod', 'azure-prod'] as const;

const WORKER = path.join(__dirname, 'planWorker.ts');
const TIMEOUT_MS = 180_000;

/** Runs planWorker.ts for one stack in a child process (node --import tsx, resolved from `cwd`), resolving with its JSON output. */
export function planInChild(stack: string, cwd: string): Promise<CloudPlanView> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, stack], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => void (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => void (err += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) {
        try {
          resolve(JSON.parse(line) as CloudPlanView);
          return;
        } catch { /* fall through to the error below */ }
      }
      reject(new Error(`nexus plan --stack ${stack} failed (exit ${String(code)}): ${err.trim().split('\n').slice(-3).join(' | ') || 'no output'}`));
    });
  });
}

export class CloudPlans {
  private readonly states = new Map<string, CloudPlanState>();

  constructor(
    private readonly root: string,
    readonly stacks: readonly string[] = CLOUD_STACKS,
    private readonly plan: (stack: string, cwd: string) => Promise<CloudPlanView> = planInChild,
  ) {}

  /** Current state of every stack; starts planning the ones never asked for. */
  snapshot(): CloudPlanState[] {
    for (const stack of this.stacks) if (!this.states.has(stack)) this.start(stack);
    return this.stacks.map((s) => this.states.get(s)!);
  }

  /** Forgets a stack's result (a failed plan is retried on the next request). */
  private start(stack: string): void {
    this.states.set(stack, { stack, status: 'planning', startedAt: new Date().toISOString() });
    this.plan(stack, this.root).then(
      (plan) => void this.states.set(stack, { stack, status: 'ready', plan }),
      (err: unknown) => void this.states.set(stack, { stack, status: 'failed', error: (err as Error).message }),
    );
  }

  retryFailed(): void {
    for (const [stack, s] of this.states) if (s.status === 'failed') this.start(stack);
  }
}
