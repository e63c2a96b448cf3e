/**
 * The shared EventBus conformance suite against the machine's NATS server with JetStream
 * (127.0.0.1:4222). Each case gets its own stream prefix (its own streams) and deletes them after;
 * the durable case reopens a bus over the same streams. Skips loudly without a server.
 */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { JetStreamEventBus } from '../../runtime/adapters/selfhosted/JetStreamEventBus';
import { eventBusContract } from '../contracts/eventBusContract';

const SERVERS = ['127.0.0.1:4222'];

async function natsUnavailable(): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: SERVERS, timeout: 2_000 });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
    } finally {
      await nc.close();
    }
    return undefined;
  } catch (err) {
    return `NATS with JetStream not reachable at ${SERVERS.join(',')} (${(err as Error).message})`;
  }
}

async function deleteStreams(prefix: string): Promise<void> {
  const nc = await connect({ servers: SERVERS });
  try {
    const jsm = await jetstreamManager(nc);
    for (const suffix of ['core', 'noncritical', 'redrive', 'dlq']) await jsm.streams.delete(`${prefix}_${suffix}`).catch(() => false);
  } finally {
    await nc.close();
  }
}

describe('JetStreamEventBus on NATS JetStream', function () {
  this.timeout(60_000);
  before(async function () {
    const why = await natsUnavailable();
    if (why) {
      console.warn(`\n*** SKIPPED: ${why}: EventBus contract for JetStreamEventBus (test/selfhosted/jetstream.int.test.ts) not run ***\n`);
      this.skip();
    }
  });

  eventBusContract('JetStreamEventBus', async () => {
    const streamPrefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const bus = await JetStreamEventBus.open({ servers: SERVERS, streamPrefix });
    return {
      bus,
      reopen: () => JetStreamEventBus.open({ servers: SERVERS, streamPrefix }),
      cleanup: () => deleteStreams(streamPrefix),
    };
  }, { durable: true, maxMessageBytes: 1024 * 1024 - 4096, timeoutMs: 8_000 });
});
