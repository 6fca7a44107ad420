import assert from 'node:assert/strict';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, accessTokenClaimsCodec } from '../../src/index.js';

const claims = () => ({ sub: 'worker-7', role: 'worker', iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: 1_790_000_000, exp: 1_790_003_600 });

describe('access token claims', () => {
  it('accepts the claims dispatch-service issues', () => {
    assert.ok(accessTokenClaimsCodec.check(claims()).ok);
  });

  it('refuses an unknown role, a foreign issuer and a subject that could widen an MQTT topic, naming each field', () => {
    const result = accessTokenClaimsCodec.check({ ...claims(), role: 'admin', iss: 'someone-else', sub: 'w/#' });
    assert.ok(!result.ok);
    const fields = result.error.errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['iss', 'role', 'sub']);
  });
});
