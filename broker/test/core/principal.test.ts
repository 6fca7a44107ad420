import assert from 'node:assert/strict';
import { clientIdMatches, expectedClientId } from '../../src/core/principal.js';

describe('client ids', () => {
  it('must equal the gateway id for a gateway', () => {
    assert.ok(clientIdMatches({ kind: 'gateway', gatewayId: 'gw-1' }, 'gw-1'));
    assert.ok(!clientIdMatches({ kind: 'gateway', gatewayId: 'gw-1' }, 'gw-2'));
    assert.ok(!clientIdMatches({ kind: 'gateway', gatewayId: 'gw-1' }, 'gw-1 '));
  });

  it('live in their own namespaces for users and services, so none can take over a gateway session', () => {
    const user = { kind: 'user', userId: 'w-7', role: 'worker' } as const;
    assert.ok(clientIdMatches(user, 'token/w-7/phone'));
    assert.ok(!clientIdMatches(user, 'token/w-7/'));
    assert.ok(!clientIdMatches(user, 'token/w-8/phone'));
    assert.ok(!clientIdMatches(user, 'w-7'));
    const service = { kind: 'service', accountId: 'dispatch' } as const;
    assert.ok(clientIdMatches(service, 'service/dispatch/1'));
    assert.ok(!clientIdMatches(service, 'dispatch'));
    assert.equal(expectedClientId(service), 'service/dispatch/<instance>');
  });
});
