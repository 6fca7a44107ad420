import assert from 'node:assert/strict';
import { authorizePublish, authorizeSubscribe } from '../../src/core/acl.js';
import type { Principal } from '../../src/core/principal.js';

const gateway: Principal = { kind: 'gateway', gatewayId: 'gw-1' };
const worker: Principal = { kind: 'user', userId: 'w-7', role: 'worker' };
const supervisor: Principal = { kind: 'user', userId: 's-1', role: 'supervisor' };
const ops: Principal = { kind: 'user', userId: 'o-1', role: 'ops' };
const dispatch: Principal = { kind: 'service', accountId: 'dispatch-service' };

const allowed = (decision: { allowed: boolean }) => decision.allowed;

describe('ACL', () => {
  it('lets a gateway publish its own events, telemetry and status only', () => {
    for (const leaf of ['events', 'telemetry', 'status']) assert.ok(allowed(authorizePublish(gateway, `v1/gateways/gw-1/${leaf}`)), leaf);
    const other = authorizePublish(gateway, 'v1/gateways/gw-2/events');
    assert.deepEqual(other, { allowed: false, reason: 'gateway gw-1 may publish only under v1/gateways/gw-1/' });
    assert.ok(!allowed(authorizePublish(gateway, 'v1/gateways/gw-1/commands')));
    assert.ok(!allowed(authorizePublish(gateway, 'v1/workers/w-7/tickets')));
    assert.ok(!allowed(authorizePublish(gateway, 'v1/gateways/gw-1/events/extra')));
    assert.ok(!allowed(authorizePublish(gateway, '$SYS/x')));
  });

  it('lets a gateway subscribe only to its own commands topic', () => {
    assert.ok(allowed(authorizeSubscribe(gateway, 'v1/gateways/gw-1/commands')));
    for (const filter of ['#', 'v1/gateways/+/commands', 'v1/gateways/gw-2/commands', 'v1/gateways/gw-1/#', '$SYS/#']) {
      assert.ok(!allowed(authorizeSubscribe(gateway, filter)), filter);
    }
  });

  it('lets workers and supervisors subscribe only under their own v1/workers/{id}/', () => {
    assert.ok(allowed(authorizeSubscribe(worker, 'v1/workers/w-7/tickets')));
    assert.ok(allowed(authorizeSubscribe(worker, 'v1/workers/w-7/#')));
    assert.ok(allowed(authorizeSubscribe(supervisor, 'v1/workers/s-1/tickets')));
    for (const filter of ['#', 'v1/workers/+/tickets', 'v1/workers/w-8/tickets', 'v1/workers/w-7/', 'v1/workers/w-7', '$SYS/broker/clients']) {
      assert.ok(!allowed(authorizeSubscribe(worker, filter)), filter);
    }
  });

  it('keeps # and $SYS for the ops role', () => {
    assert.ok(allowed(authorizeSubscribe(ops, '#')));
    assert.ok(allowed(authorizeSubscribe(ops, '$SYS/#')));
    assert.match((authorizeSubscribe(worker, '$SYS/#') as { reason: string }).reason, /only the ops role/);
  });

  it('lets the dispatch service account publish worker tickets and gateway commands, and subscribe to nothing', () => {
    assert.ok(allowed(authorizePublish(dispatch, 'v1/workers/w-7/tickets')));
    assert.ok(allowed(authorizePublish(dispatch, 'v1/gateways/gw-1/commands')));
    assert.ok(!allowed(authorizePublish(dispatch, 'v1/gateways/gw-1/events')));
    assert.ok(!allowed(authorizeSubscribe(dispatch, 'v1/workers/w-7/tickets')));
  });

  it('lets no worker publish, and ops only gateway commands', () => {
    assert.ok(!allowed(authorizePublish(worker, 'v1/workers/w-7/tickets')));
    assert.ok(allowed(authorizePublish(ops, 'v1/gateways/gw-1/commands')));
    assert.ok(!allowed(authorizePublish(ops, 'v1/gateways/gw-1/events')));
  });

  it('refuses topics outside the v1 contract, quoting a long one only in part', () => {
    const decision = authorizePublish(gateway, `v1/${'x'.repeat(500)}`);
    assert.ok(!decision.allowed && decision.reason.length < 200);
  });
});
