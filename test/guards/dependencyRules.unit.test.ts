/**
 * The dependency rules (.dependency-cruiser.cjs, run by `npm run depcheck`) must actually fire:
 * a probe file that breaks each cloud-SDK rule is cruised and the violation must be reported.
 * (They once never fired: node_modules and every SDK's dist/ folder were excluded from the graph.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin', 'depcruise');

function cruise(file: string, source: string): string {
  const path = join(ROOT, file);
  writeFileSync(path, source);
  try {
    const r = spawnSync(BIN, ['--config', '.dependency-cruiser.cjs', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    // Without colour codes (CI=true makes depcruise colour its output).
    // eslint-disable-next-line no-control-regex
    return `${r.stdout}${r.stderr}`.replace(/\x1B\[[0-9;]*m/g, '');
  } finally {
    rmSync(path, { force: true });
  }
}

describe('guard: dependency rules fire', function () {
  this.timeout(60_000);

  it('core may not import a cloud SDK (AWS, Azure incl. @azure/functions, GCP)', () => {
    const out = cruise('runtime/core/zz-depcheck-probe.ts', [
      "import { SQSClient } from '@aws-sdk/client-sqs';",
      "import { CosmosClient } from '@azure/cosmos';",
      "import { Firestore } from '@google-cloud/firestore';",
      "import { app } from '@azure/functions';",
      'export const probe = [SQSClient, CosmosClient, Firestore, app];',
    ].join('\n'));
    assert.match(out, /core-is-cloud-neutral: runtime\/core\/zz-depcheck-probe\.ts → node_modules\/@aws-sdk\/client-sqs/);
    assert.match(out, /core-is-cloud-neutral: runtime\/core\/zz-depcheck-probe\.ts → node_modules\/@azure\/cosmos/);
    assert.match(out, /core-is-cloud-neutral: runtime\/core\/zz-depcheck-probe\.ts → node_modules\/@google-cloud\/firestore/);
    assert.match(out, /functions-sdk-only-in-azure-main: runtime\/core\/zz-depcheck-probe\.ts → node_modules\/@azure\/functions/);
  });

  it('an AWS adapter may not import the Azure SDK', () => {
    const out = cruise('runtime/adapters/aws/zz-depcheck-probe.ts', "import { CosmosClient } from '@azure/cosmos';\nexport const probe = CosmosClient;\n");
    assert.match(out, /adapters-own-sdk-only: runtime\/adapters\/aws\/zz-depcheck-probe\.ts → node_modules\/@azure\/cosmos/);
  });
});
