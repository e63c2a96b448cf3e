/**
 * `nexus dlq list|show|redrive|purge`: the bus dead-letter queue of a stack. Each entry keeps
 * the error, the attempts and the original CloudEvents envelope; redrive re-delivers to the
 * original consumer group and is idempotent (an id already redriven is skipped). `--tenant`
 * narrows every command to one tenant's dead letters, filtered by the queue itself (ADR 0134);
 * `list` pages with `--cursor` (it prints the next one).
 */
import type { Command } from 'commander';
import type { DeadLetter, DeadLetterFilter } from '../../ports/EventBus';
import { decodeDeadLetterCursor, encodeDeadLetterCursor, tenantOfDeadLetter } from '../../ports/deadLetters';
import { redriveMatching } from '../../core/redriveMatching';
import { stackOptions, withRuntime, type StackOptions } from './readSideRuntime';

type Out = (line: string) => void;

interface FilterOptions extends StackOptions { group?: string; tenant?: string }
interface ListOptions extends FilterOptions { limit?: string; cursor?: string; json?: boolean }
interface BulkOptions extends FilterOptions { all?: boolean }

const summary = (d: DeadLetter): string =>
  `${d.id}\t${d.group}\t${String(tenantOfDeadLetter(d) ?? '-')}\t${String(d.message.envelope.type)}\t${String(d.message.envelope.subject ?? '')}\tattempts=${d.attempts}\t${d.deadLetteredAt}\t${d.error}`;

const filterOf = (o: FilterOptions): DeadLetterFilter => ({ group: o.group, tenant: o.tenant });
const scope = (o: FilterOptions): string => [o.group && ` in ${o.group}`, o.tenant && ` of tenant ${o.tenant}`].filter(Boolean).join('');

function limitOf(o: ListOptions): number {
  const n = Number(o.limit ?? '100');
  if (!Number.isInteger(n) || n < 1) throw new Error(`--limit must be an integer >= 1, got "${o.limit}"`);
  return n;
}

export async function runDlqList(o: ListOptions, out: Out = console.log): Promise<DeadLetter[]> {
  const limit = limitOf(o);
  const after = o.cursor === undefined ? undefined : decodeDeadLetterCursor(o.cursor, '--cursor');
  return withRuntime(o, async (rt) => {
    const page = await rt.bus.deadLetters.list({ ...filterOf(o), limit: limit + 1, after });
    const items = page.slice(0, limit);
    if (o.json) out(JSON.stringify(items, null, 2));
    else {
      out(`${await rt.bus.deadLetters.count(filterOf(o))} dead letter(s)${scope(o)}`);
      for (const d of items) out(summary(d));
      const last = items[items.length - 1];
      if (page.length > limit && last) out(`more: --cursor ${encodeDeadLetterCursor(last)}`);
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

function checkBulk(ids: readonly string[], o: BulkOptions): void {
  if (ids.length === 0 && !o.all) throw new Error('name the dead letters to act on, or pass --all (optionally with --group and --tenant)');
}

/** Named ids, minus those of another tenant when --tenant is given (as the HTTP route does). */
async function ofTenant(ids: readonly string[], o: BulkOptions, get: (id: string) => Promise<DeadLetter | undefined>): Promise<string[]> {
  if (o.tenant === undefined) return [...ids];
  const kept: string[] = [];
  for (const id of ids) {
    const d = await get(id);
    if (d && tenantOfDeadLetter(d) === o.tenant) kept.push(id);
  }
  return kept;
}

export async function runDlqRedrive(ids: readonly string[], o: BulkOptions, out: Out = console.log): Promise<number> {
  checkBulk(ids, o);
  return withRuntime(o, async (rt) => {
    const dlq = rt.bus.deadLetters;
    if (ids.length === 0) {
      const n = await redriveMatching(dlq, filterOf(o));
      out(`redriven ${n}${scope(o)}`);
      return n;
    }
    const chosen = await ofTenant(ids, o, (id) => dlq.get(id));
    const n = await dlq.redrive(chosen);
    out(`redriven ${n} of ${ids.length} (ids no longer in the queue${o.tenant ? ' or of another tenant' : ''} are skipped: redrive is idempotent)`);
    return n;
  });
}

export async function runDlqPurge(ids: readonly string[], o: BulkOptions, out: Out = console.log): Promise<number> {
  checkBulk(ids, o);
  return withRuntime(o, async (rt) => {
    const dlq = rt.bus.deadLetters;
    const n = await dlq.purge(ids.length === 0 ? filterOf(o) : await ofTenant(ids, o, (id) => dlq.get(id)));
    out(`purged ${n}${ids.length === 0 ? scope(o) : ''}`);
    return n;
  });
}

export function register(program: Command): void {
  const cmd = program.command('dlq').description('Inspect, redrive and purge dead letters');
  const bulkTenant = 'only this tenant\'s (the envelope\'s tenant; with ids: others are skipped)';
  stackOptions(cmd.command('list').description('List dead letters, oldest first'))
    .option('--group <group>', 'only this consumer group (e.g. projection.orderSummary)')
    .option('--tenant <tenant>', 'only this tenant\'s (the envelope\'s tenant)')
    .option('--limit <n>', 'at most n entries', '100')
    .option('--cursor <cursor>', 'continue after the previous page (list prints it)')
    .option('--json', 'print the entries as JSON (with envelopes)')
    .action(async (o: ListOptions) => void (await runDlqList(o)));
  stackOptions(cmd.command('show <id>').description('Show one dead letter: error, attempts, original envelope'))
    .action(async (id: string, o: StackOptions) => void (await runDlqShow(id, o)));
  stackOptions(cmd.command('redrive [ids...]').description('Re-deliver dead letters to their consumer group (idempotent)'))
    .option('--all', 'every dead letter (of --group and --tenant when given)')
    .option('--group <group>', 'with --all: only this group')
    .option('--tenant <tenant>', bulkTenant)
    .action(async (ids: string[], o: BulkOptions) => void (await runDlqRedrive(ids, o)));
  stackOptions(cmd.command('purge [ids...]').description('Delete dead letters'))
    .option('--all', 'every dead letter (of --group and --tenant when given)')
    .option('--group <group>', 'with --all: only this group')
    .option('--tenant <tenant>', bulkTenant)
    .action(async (ids: string[], o: BulkOptions) => void (await runDlqPurge(ids, o)));
}
