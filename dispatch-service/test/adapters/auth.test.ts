import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '@gridsight/service-kit';
import { createTokenService } from '../../src/adapters/auth/tokens.js';
import { testSigningKey } from '../support/api.js';

describe('passwords and access tokens', function () {
  this.timeout(30_000);

  it('hashes passwords with scrypt and a salt of their own, and checks them', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    assert.notEqual(a, b, 'salted');
    assert.ok(await verifyPassword('correct horse', a));
    assert.ok(!(await verifyPassword('correct horse!', a)));
    assert.ok(!(await verifyPassword('x', 'md5$abc')), 'an unknown scheme never matches');
  });

  it('issues ES256 tokens per the shared contract, and refuses them once expired even after a first successful check', async () => {
    let now = new Date('2026-11-28T08:00:00Z');
    const tokens = createTokenService({ privateKeyPem: testSigningKey(), ttlSeconds: 600, clock: () => now });
    const { token, expiresAt } = await tokens.issue('w-7', 'worker');
    assert.equal(expiresAt.toISOString(), '2026-11-28T08:10:00.000Z');
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    const claims = await tokens.verify(token);
    assert.deepEqual([claims.sub, claims.role, claims.iss, claims.aud], ['w-7', 'worker', 'gridsight-dispatch', 'gridsight']);
    now = new Date('2026-11-28T08:10:01Z');
    await assert.rejects(tokens.verify(token), (e: unknown) => (e as { code: string }).code === 'DSP_TOKEN_EXPIRED');
  });

  it('refuses a token whose payload was altered', async () => {
    const tokens = createTokenService({ privateKeyPem: testSigningKey(), ttlSeconds: 600 });
    const { token } = await tokens.issue('w-7', 'worker');
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(p, 'base64url').toString());
    forged.role = 'ops';
    await assert.rejects(tokens.verify(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`), (e: unknown) => (e as { code: string }).code === 'DSP_UNAUTHENTICATED');
  });
});
