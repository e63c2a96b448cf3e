/**
 * Guard: cross-tenant access is impossible by construction. Tenant-relative names cannot carry
 * a tenant (':' is not a name character), the command handler writes only to the caller's
 * tenant, and tenantEventStore refuses any stream of another tenant.
 */
import assert from 'node:assert/strict';
import { ARCHITECTURE_RULES, assertTenantStream, isArchitectureViolationError, tenantEventStore, tenantStream } from '../../runtime/core/guards';
import { qualifiedStreamId, streamName } from '../../runtime/core/streamIds';
import { isInvalidArgumentError } from '../../runtime/ports/errors';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { coreFixture, place } from '../core/fixtures';

const ATTEMPTS = ['globex:Order-1', 'globex:Order', ':Order-1', '../globex/Order-1', 'Order-1\nglobex:Order-1', ' globex:Order-1', 'globex%3AOrder-1'];
const tenantViolation = (e: unknown): boolean => isArchitectureViolationError(e) && e.rule === ARCHITECTURE_RULES.tenantIsolation;

describe('guard: tenant isolation', () => {
  it('a tenant-relative name can never address another tenant', () => {
    for (const name of ATTEMPTS) {
      let id: string | undefined;
      try {
        id = qualifiedStreamId('acme', name);
      } catch (err) {
        assert.ok(isInvalidArgumentError(err), `${JSON.stringify(name)}: expected InvalidArgumentError, got ${String(err)}`);
      }
      if (id !== undefined) assert.ok(id.startsWith('acme:') && !id.slice('acme:'.length).includes(':'), `${JSON.stringify(name)} became ${id}`);
    }
    assert.throws(() => streamName('Order', 'globex:1'), isInvalidArgumentError);
    assert.throws(() => streamName('globex:Order', '1'), isInvalidArgumentError);
    assert.equal(tenantStream('acme', 'Order-1'), 'acme:Order-1');
  });

  it('a command for tenant acme cannot reach a stream of tenant globex', async () => {
    const { handler, eventStore } = coreFixture();
    await handler.handle({ ...place('1'), tenant: 'globex' });
    for (const aggregateId of ['globex:Order-1', 'globex:1', '../globex:Order-1']) {
      await assert.rejects(handler.handle(place(aggregateId)), isInvalidArgumentError, aggregateId);
    }
    await assert.rejects(handler.handle({ ...place('1'), aggregateType: 'globex:Order' }));
    const r = await handler.handle(place('1'));
    assert.equal(r.stream, 'Order-1');
    assert.equal((await eventStore.streamInfo('acme:Order-1')).version, 1);
    assert.equal((await eventStore.streamInfo('globex:Order-1')).version, 1, "globex's stream is untouched");
  });

  it('tenantEventStore refuses streams of other tenants and filters readAll', async () => {
    const store = new InMemoryEventStore();
    const evt = (id: string) => ({ eventId: id, type: 'OrderPlaced', schemaVersion: 1, data: {} });
    await store.append('globex:Order-1', [evt('g1')]);
    const acme = tenantEventStore(store, 'acme');
    await acme.append('acme:Order-1', [evt('a1')]);
    await assert.rejects(acme.append('globex:Order-1', [evt('a2')]), tenantViolation);
    await assert.rejects(acme.readStream('globex:Order-1'), tenantViolation);
    await assert.rejects(acme.streamInfo('globex:Order-1'), tenantViolation);
    await assert.rejects(acme.readStream('Order-1'), tenantViolation);
    assert.deepEqual((await acme.readAll()).events.map((e) => e.streamId), ['acme:Order-1']);
    assert.equal((await store.streamInfo('globex:Order-1')).version, 1);
    assert.throws(() => assertTenantStream('acme', 'acmeX:Order-1'), tenantViolation);
    assert.doesNotThrow(() => assertTenantStream('acme', 'acme:Order-1'));
  });
});
