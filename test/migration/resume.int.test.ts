/**
 * `nexus migrate` survives a crash: the CLI runs as a child process copying SQLite → PostgreSQL
 * (throttled with --rate so it is mid-way), is killed with SIGKILL once some pages are
 * checkpointed, and the next run resumes from the checkpoint to a clean report. Re-running is
 * idempotent (nothing copied twice), and a difference makes the command exit non-zero.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_VERSION, type NexusManifest } from '../../runtime/manifest';
import { runMigrate, EXIT_DIFFERENCES } from '../../runtime/cli/commands/migrate';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { SqliteSnapshotStore } from '../../runtime/adapters/local/SqliteSnapshotStore';
import { PostgresCheckpointStore } from '../../runtime/adapters/selfhosted/PostgresCheckpointStore';
import { PostgresEventStore } from '../../runtime/adapters/selfhosted/PostgresEventStore';
import { ev } from '../contracts/eventStore/support';
import { PG_HOST, PG_PORT, PG_USER, usePostgres } from '../selfhosted/pgFixture';
import { historyClock, writeOrdersHistory } from './ordersHistory';

export function postgresManifest(database: string, schema: string): NexusManifest {
  const pg = { host: PG_HOST, port: PG_PORT, database, user: PG_USER, schema };
  return {
    manifestVersion: MANIFEST_VERSION, cloud: 'selfhosted', stack: `rehearsal-${schema}`, environment: 'dev',
    eventStore: { kind: 'postgres', ...pg },
    bus: { kind: 'jetstream', servers: ['127.0.0.1:4222'], streamPrefix: 'nexus' },
    registry: { kind: 'confluent', url: 'http://127.0.0.1:8081/registry' },
    search: { kind: 'postgres', ...pg },
    notifications: { kind: 'memory' },
    snapshots: { everyNEvents: 100, maxAgeSeconds: 3600 },
    routing: { noncritical: [] },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('nexus migrate: kill halfway, resume, re-run', function () {
  this.timeout(240_000);
  const pg = usePostgres('nexus migrate resume test (test/migration/resume.int.test.ts)');

  it('resumes from its checkpoint after SIGKILL, ends with a clean report, and a re-run copies nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-resume-'));
    const clock = historyClock();
    const writer = new SqliteEventStore({ path: join(dir, 'events.db'), clock });
    const snaps = new SqliteSnapshotStore({ path: join(dir, 'events.db') });
    const stats = await writeOrdersHistory(writer, snaps, clock, { orders: 400, snapshotEvery: 5 });
    await Promise.all([writer.close(), snaps.close()]);
    const target = join(dir, 'target.json');
    writeFileSync(target, JSON.stringify(postgresManifest(pg.database(), 'resumed')));
    const args = ['migrate', '--from', `local:${dir}`, '--to', target, '--no-progress'];

    // 1. Crash: the child copies ~150 events/s; kill it once a few pages are checkpointed.
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'runtime/cli/main.ts', ...args, '--rate', '150', '--page-size', '50'], {
      detached: true, stdio: 'ignore',
    });
    const checkpoints = new PostgresCheckpointStore({ connection: pg.connect('resumed') });
    const events = new PostgresEventStore({ connection: pg.connect('resumed') });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const cps = await checkpoints.list('migration:').catch(() => []);
        if (cps.length > 0 && Number(cps[0]!.value) > 300) break;
        assert.ok(Date.now() < deadline, 'the child never checkpointed');
        await sleep(100);
      }
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((r) => child.once('exit', r));
      let copied = 0;
      for (let after: string | undefined; ;) {
        const page = await events.readAll({ after, limit: 1000 });
        copied += page.events.length;
        after = page.checkpoint;
        if (page.isEnd) break;
      }
      assert.ok(copied > 0 && copied < stats.events, `killed halfway: ${copied} of ${stats.events} copied`);

      // 2. Resume in process: starts at the checkpoint, verifies clean, diffs the read models.
      const out: string[] = [];
      assert.equal(await runMigrate({ from: `local:${dir}`, to: target, progress: false, shadowProjections: true }, (l) => out.push(l)), 0, out.join('\n'));
      const text = out.join('\n');
      assert.match(text, /resumed from \d+/);
      assert.match(text, /verification: OK/);
      assert.match(text, new RegExp(`source: ${stats.streams} streams, ${stats.events} events`));
      assert.match(text, /projection orderSummary: source \d+ docs, target \d+ docs, 0 differing/);

      // 3. Re-run under a new checkpoint name: every event is already there, nothing is written.
      const again: string[] = [];
      assert.equal(await runMigrate({ from: `local:${dir}`, to: target, progress: false, checkpoint: 'migration:again' }, (l) => again.push(l)), 0);
      assert.match(again.join('\n'), new RegExp(`copied 0 events \\(${stats.events} already present\\)`));

      // 4. A difference (an event only the target has) fails the run with a non-zero exit code.
      await events.append('acme:Order-extra', [ev()], 'no_stream');
      const diff: string[] = [];
      assert.equal(await runMigrate({ from: `local:${dir}`, to: target, progress: false }, (l) => diff.push(l)), EXIT_DIFFERENCES);
      assert.match(diff.join('\n'), /DIFF acme:Order-extra: extra in target/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await Promise.all([checkpoints.close(), events.close()]);
    }
  });
});
