/** SqliteEventBus against the EventBus conformance suite, on a temporary SQLite file (durable case included). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventBusContract } from '../contracts/eventBusContract';
import { SqliteEventBus } from '../../runtime/adapters/local/SqliteEventBus';

eventBusContract(
  'SqliteEventBus',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-bus-'));
    const file = join(dir, 'bus.db');
    return {
      bus: new SqliteEventBus(file),
      reopen: async () => new SqliteEventBus(file),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  { maxMessageBytes: 256 * 1024, durable: true },
);
