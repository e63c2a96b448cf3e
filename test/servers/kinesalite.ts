/**
 * kinesalite test server (a Kinesis API implementation): in memory, random port, own process
 * group. Remember: the AWS SDK must talk to it over HTTP/1.1 (NodeHttpHandler).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcessServer, type RunningServer } from '../aws/support/processServer';

const CLI = join(__dirname, '..', '..', 'node_modules', 'kinesalite', 'cli.js');

export function kinesaliteUnavailable(): string | undefined {
  return existsSync(CLI) ? undefined : `kinesalite not found at ${CLI}`;
}

export async function startKinesalite(): Promise<RunningServer> {
  const port = await freePort();
  return startProcessServer('kinesalite', process.execPath, [
    CLI, '--port', String(port), '--createStreamMs', '0', '--deleteStreamMs', '0', '--updateStreamMs', '0', '--shardLimit', '100000',
  ], port);
}
