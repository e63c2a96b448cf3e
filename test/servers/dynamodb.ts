/**
 * DynamoDB Local test server: runs the DynamoDB Local jar shipped inside the npm package
 * amplify-dynamodb-simulator (in memory, random port, own process group). Detects a missing
 * Java runtime or jar and returns undefined with the reason, so suites can skip loudly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcessServer, type RunningServer } from '../aws/support/processServer';

export const DYNAMODB_LOCAL_DIR = join(__dirname, '..', '..', 'node_modules', 'amplify-dynamodb-simulator', 'emulator');

/** Why DynamoDB Local cannot run here, or undefined when it can. */
export function dynamoDbLocalUnavailable(): string | undefined {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return 'Java runtime not found on PATH (DynamoDB Local needs Java 17)';
  if (!existsSync(join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal.jar'))) return `DynamoDB Local jar not found at ${DYNAMODB_LOCAL_DIR}`;
  return undefined;
}

export async function startDynamoDbLocal(): Promise<RunningServer> {
  const port = await freePort();
  // DynamoDB Local writes a metadata file into its working directory even with -inMemory.
  const cwd = mkdtempSync(join(tmpdir(), 'nexus-ddb-'));
  return startProcessServer('DynamoDB Local', 'java', [
    `-Djava.library.path=${join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal_lib')}`,
    '-jar', join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal.jar'),
    '-inMemory', '-port', String(port),
  ], port, 60_000, cwd, () => rmSync(cwd, { recursive: true, force: true }));
}
