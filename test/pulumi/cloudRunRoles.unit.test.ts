/** The public Cloud Run `api` service never serves the trigger paths; the `worker` serves only them. */
import assert from 'node:assert/strict';
import { pathAllowed } from '../../runtime/entrypoints/cloudRunRoles';
import { WORKER_PATHS } from '../../providers/gcp/runtimeTriggers';

describe('Cloud Run entry point roles', () => {
  it('api refuses every /_nexus trigger path and serves the API', () => {
    for (const url of ['/_nexus/consume', '/_nexus/relay', '/_nexus/snapshots', '/_nexus/saga-timeouts', '/_nexus', '/_nexus?x=1']) {
      assert.equal(pathAllowed('api', url), false, url);
    }
    assert.equal(pathAllowed('api', '/commands/Order/1'), true);
    assert.equal(pathAllowed('api', '/_nexusish'), true);
  });
  it('worker serves only the trigger paths', () => {
    for (const path of Object.values(WORKER_PATHS)) assert.equal(pathAllowed('worker', path), true, path);
    assert.equal(pathAllowed('worker', '/commands/Order/1'), false);
  });
  it('without a role (tests, single service) both are served', () => {
    assert.equal(pathAllowed(undefined, '/_nexus/relay'), true);
    assert.equal(pathAllowed(undefined, '/streams/Order-1'), true);
  });
});
