/**
 * Redrive every dead letter matching a filter (ADR 0134), shared by the HTTP admin route and
 * `nexus dlq redrive --all`: page by page in the queue's order, up to the dead letters that
 * existed when it started, so a message that fails again (and is dead-lettered anew, later) is
 * not redriven a second time by the same call.
 */
import type { DeadLetter, DeadLetterFilter, DeadLetterQueue } from '../ports/EventBus';

export async function redriveMatching(dlq: DeadLetterQueue, filter: DeadLetterFilter, pageSize = 1000): Promise<number> {
  const until = new Date().toISOString();
  let redriven = 0;
  for (let after: DeadLetter | undefined; ;) {
    const page = (await dlq.list({ ...filter, limit: pageSize, after })).filter((d) => d.deadLetteredAt <= until);
    if (page.length === 0) return redriven;
    redriven += await dlq.redrive(page.map((d) => d.id));
    after = page[page.length - 1];
  }
}
