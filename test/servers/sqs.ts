/**
 * local-aws-sqs test server (an SQS API implementation, no SNS): runs in a child node process
 * on a random port, own process group.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcessServer, type RunningServer } from '../aws/support/processServer';

const PKG = join(__dirname, '..', '..', 'node_modules', 'local-aws-sqs');

export function sqsUnavailable(): string | undefined {
  return existsSync(join(PKG, 'dist', 'index.js')) ? undefined : `local-aws-sqs not found at ${PKG}`;
}

export async function startLocalSqs(): Promise<RunningServer> {
  const port = await freePort();
  const script = `require(${JSON.stringify(PKG)}).createSqsServer({ port: ${port}, hostname: '127.0.0.1', `
    + `emulateQueueCreationLifecycle: false })`;
  return startProcessServer('local-aws-sqs', process.execPath, ['-e', script], port);
}
