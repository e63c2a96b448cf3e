/**
 * `nexus dlq list|show|redrive|purge`: the bus dead-letter queue of a stack. Each entry keeps
 * the error, the attempts and the original CloudEvents envelope; redrive re-delivers to the
 * original consumer group and is idempotent (an id already redriven is skipped).
 */
import type { Command } from 'commander';
import type { DeadLetter } from '../../ports/EventBus';
import { stackOptions, withRuntime, type StackOptions } from './readSideRuntime';

type Out = (line: string) => void;

interface ListOptions extends StackOptions { group?: string; limit?: string; json?: boolean }
interface BulkOptions extends StackOptions { group?: string; all?: boolean }

const summary = (d: DeadLetter): string =>
  `${d.id}\t${d.group}\t${String(d.message.envelope.type)}\t${String(d.message.envelope.subject ?? '')}\tattempts=${d.attempts}\t${d.deadLetteredAt}\t${d.error}`;

export async function runDlqList(o: ListOptions, out: Out = console.log): Promise<DeadLetter[]> {
  return withRuntime(o, async (rt) => {
    const items = await rt.bus.deadLetters.list({ group: o.group, limit: o.limit ? Number(o.limit) : 100 });
    if (o.json) out(JSON.stringify(items, null, 2));
    else {
      out(`${await rt.bus.deadLetters.count(o.group)} dead letter(s)${o.group ? ` in ${o.group}` : ''}`);
      for (const d of items) out(summary(d));
    }
    return items;
  });
}

export async function runDlqShow(id: string, o: StackOptions, out: Out = console.log): Promise<DeadLetter> {
  return withRuntime(o, async (rt) => {
    const d = await rt.bus.deadLetters.get(id);
    if (!d) throw new Error(`dead letter ${id} was not found (nexus dlq list shows the ids)`);
    out(JSON.stringify(d, null, 2));
    return d;
  });
}

async function selected(ids: readonly string[], o: BulkOptions, list: () => Promise<DeadLetter[]>): Promise<string[]> {
  if (ids.length > 0) return [...ids];
  if (!o.all) throw new Error('name the dead letters to act on, or pass --all (optionally with --group)');
  return (await list()).map((d) => d.id);
}

export async function runDlqRedrive(ids: readonly string[], o: BulkOptions, out: Out = console.log): Promise<number> {
  return withRuntime(o, async (rt) => {
    const chosen = await selected(ids, o, () => rt.bus.deadLetters.list({ group: o.group, limit: 100_000 }));
    const n = await rt.bus.deadLetters.redrive(chosen);
    out(`redriven ${n} of ${chosen.length} (ids no longer in the queue are skipped: redrive is idempotent)`);
    return n;
  });
}

export async function runDlqPurge(ids: readonly string[], o: BulkOptions, out: Out = console.log): Promise<number> {
  return withRuntime(o, async (rt) => {
    const chosen = await selected(ids, o, () => rt.bus.deadLetters.list({ group: o.group, limit: 100_000 }));
    const n = await rt.bus.deadLetters.purge(chosen);
    out(`purged ${n}`);
    return n;
  });
}

export function register(program: Command): void {
  const cmd = program.command('dlq').description('Inspect, redrive and purge dead letters');
  stackOptions(cmd.command('list').description('List dead letters'))
    .option('--group <group>', 'only this consumer group (e.g. projection.orderSummary)')
    .option('--limit <n>', 'at most n entries', '100')
    .option('--json', 'print the entries as JSON (with envelopes)')
    .action(async (o: ListOptions) => void (await runDlqList(o)));
  stackOptions(cmd.command('show <id>').description('Show one dead letter: error, attempts, original envelope'))
    .action(async (id: string, o: StackOptions) => void (await runDlqShow(id, o)));
  stackOptions(cmd.command('redrive [ids...]').description('Re-deliver dead letters to their consumer group (idempotent)'))
    .option('--all', 'every dead letter (of --group when given)')
    .option('--group <group>', 'with --all: only this group')
    .action(async (ids: string[], o: BulkOptions) => void (await runDlqRedrive(ids, o)));
  stackOptions(cmd.command('purge [ids...]').description('Delete dead letters'))
    .option('--all', 'every dead letter (of --group when given)')
    .option('--group <group>', 'with --all: only this group')
    .action(async (ids: string[], o: BulkOptions) => void (await runDlqPurge(ids, o)));
}
