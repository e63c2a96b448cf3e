/**
 * JetStreamDeadLetterQueue on the machine's NATS server: dead letters stored under the subject
 * layout before ADR 0134 (<P>.dlq.<group>.<id>, no tenant token) are found by tenant, keep their
 * id and time, and end up under the current layout. Skips loudly without a server.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { JetStreamEventBus } from '../../runtime/adapters/selfhosted/JetStreamEventBus';
import { token } from '../../runtime/adapters/selfhosted/jetstream/names';
import type { DeadLetter } from '../../runtime/ports/EventBus';
import { tenantMessage } from '../contracts/eventBusContract';

const SERVERS = ['127.0.0.1:4222'];

describe('JetStreamDeadLetterQueue: dead letters of the layout before ADR 0134', function () {
  this.timeout(30_000);
  let nc: NatsConnection | undefined;
  let bus: JetStreamEventBus | undefined;
  const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  before(async function () {
    try {
      nc = await connect({ servers: SERVERS, timeout: 2_000 });
      await (await jetstreamManager(nc)).getAccountInfo();
    } catch (err) {
      console.warn(`\n*** SKIPPED: NATS with JetStream not reachable at ${SERVERS.join(',')} (${(err as Error).message}): test/selfhosted/jetstreamDeadLetterLayout.int.test.ts not run ***\n`);
      await nc?.close();
      nc = undefined;
      this.skip();
    }
  });
  after(async () => {
    await bus?.close();
    if (!nc) return;
    const jsm = await jetstreamManager(nc);
    for (const suffix of ['core', 'noncritical', 'redrive', 'dlq']) await jsm.streams.delete(`${prefix}_${suffix}`).catch(() => false);
    await nc.close();
  });

  it('finds old-layout dead letters by tenant, with their id and time, and moves them to the current layout', async () => {
    bus = await JetStreamEventBus.open({ servers: SERVERS, streamPrefix: prefix });
    const js = jetstream(nc!);
    const old = (group: string, tenant: string | undefined, at: string): DeadLetter =>
      ({ id: randomUUID(), group, message: tenantMessage(tenant, `k-${randomUUID().slice(0, 4)}`), attempts: 3, error: 'old layout', deadLetteredAt: at });
    const letters = [
      old('projection.a', 'acme', '2025-05-01T00:00:00.002Z'), old('projection.a', 'globex', '2025-05-01T00:00:00.001Z'),
      old('projection.b', 'acme', '2025-05-01T00:00:00.001Z'), old('projection.b', undefined, '2025-05-01T00:00:00.003Z'),
    ];
    for (const d of letters) await js.publish(`${prefix}.dlq.${token(d.group)}.${d.id}`, JSON.stringify(d));

    const acme = await bus.deadLetters.list({ tenant: 'acme' });
    assert.deepEqual(acme.map((d) => d.id), [letters[2]!.id, letters[0]!.id], 'by tenant, oldest first');
    assert.deepEqual(acme[1], letters[0], 'id, time and content kept');
    assert.equal(await bus.deadLetters.count(), 4);
    assert.equal(await bus.deadLetters.count({ group: 'projection.b' }), 2);
    assert.deepEqual(Object.fromEntries(await bus.deadLetters.countByGroup({ tenant: 'acme' })), { 'projection.a': 1, 'projection.b': 1 });
    assert.deepEqual(await bus.deadLetters.get(letters[3]!.id), letters[3]);

    const info = await (await jetstreamManager(nc!)).streams.info(`${prefix}_dlq`, { subjects_filter: `${prefix}.dlq.>` });
    const subjects = Object.keys(info.state.subjects ?? {});
    assert.equal(subjects.length, 4);
    assert.ok(subjects.every((s) => s.split('.').length === 6), `current layout only: ${subjects.join(', ')}`);
    assert.equal(await bus.deadLetters.purge({ tenant: 'globex' }), 1);
    assert.equal(await bus.deadLetters.count(), 3);
  });
});
