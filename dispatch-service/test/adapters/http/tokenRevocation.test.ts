import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@gridsight/contracts';
import { createSessionStore } from '../../../src/adapters/auth/sessions.js';
import { createApiWorld, PASSWORD, type ApiWorld } from '../../support/api.js';

describe('sign-out and token revocation (fastify.inject, real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: ApiWorld;

  before(async () => {
    world = await createApiWorld();
  });
  after(async () => world?.close());

  const signIn = async (username: string) => {
    const response = await world.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: PASSWORD } });
    assert.equal(response.statusCode, 200, response.body);
    return { authorization: `Bearer ${response.json().token as string}` };
  };
  const me = (headers: Record<string, string>) => world.app.inject({ method: 'GET', url: '/api/v1/me', headers });
  const assertRefused = async (headers: Record<string, string>, message: RegExp) => {
    const response = await me(headers);
    assert.equal(response.statusCode, 401, response.body);
    assert.equal(response.json().error, 'DSP_TOKEN_REVOKED');
    assert.match(response.json().message, message);
  };

  it('refuses a token after its own sign-out, while the same person\'s other token still works', async () => {
    const phone = await signIn('w-a');
    const tablet = await signIn('w-a');
    const out = await world.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: phone });
    assert.equal(out.statusCode, 204, out.body);
    await assertRefused(phone, /revoked/);
    assert.equal((await world.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: phone })).statusCode, 401);
    assert.equal((await me(tablet)).statusCode, 200);
  });

  it('lets ops revoke every token of a person, after which only a new sign-in works; nobody else may', async () => {
    const first = await signIn('w-b');
    const second = await signIn('w-b');
    const byWorker = await world.app.inject({ method: 'POST', url: '/api/v1/people/w-b/revoke-tokens', headers: await world.as('w-a') });
    assert.equal(byWorker.statusCode, 403, byWorker.body);
    const bySupervisor = await world.app.inject({ method: 'POST', url: '/api/v1/people/w-b/revoke-tokens', headers: await world.as('s-1') });
    assert.equal(bySupervisor.statusCode, 403, bySupervisor.body);
    const unknown = await world.app.inject({ method: 'POST', url: '/api/v1/people/nobody/revoke-tokens', headers: await world.as('ops-1') });
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.match(unknown.json().message, /no account nobody/);

    const revoke = await world.app.inject({ method: 'POST', url: '/api/v1/people/w-b/revoke-tokens', headers: await world.as('ops-1') });
    assert.equal(revoke.statusCode, 200, revoke.body);
    assert.deepEqual(revoke.json(), { workerId: 'w-b', revoked: 2 });
    await assertRefused(first, /revoked/);
    await assertRefused(second, /revoked/);
    assert.equal((await me(await signIn('w-b'))).statusCode, 200);
    const { rows } = await world.pool.query("SELECT count(*)::int AS n FROM access_tokens WHERE worker_id = 'w-b' AND revoked_by = 'ops-1'");
    assert.equal(rows[0].n, 2);
  });

  it('ends the tokens of a disabled account and of an account whose role changed', async () => {
    const worker = await signIn('w-a');
    await world.pool.query("UPDATE workers SET role = 'supervisor' WHERE worker_id = 'w-a'");
    await assertRefused(worker, /now supervisor, not worker/);
    await world.pool.query("UPDATE workers SET role = 'worker', active = false WHERE worker_id = 'w-a'");
    await assertRefused(await world.as('w-a'), /disabled/);
    await world.pool.query("UPDATE workers SET active = true WHERE worker_id = 'w-a'");
    assert.equal((await me(await world.as('w-a'))).statusCode, 200);
  });

  it('refuses a correctly signed token that was never issued here or has no id', async () => {
    const key = createPrivateKey(world.privateKeyPem);
    const sign = (jti?: string) => {
      const jwt = new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'ES256' }).setSubject('ops-1').setIssuer(ACCESS_TOKEN_ISSUER).setAudience(ACCESS_TOKEN_AUDIENCE).setIssuedAt().setExpirationTime('10m');
      return (jti ? jwt.setJti(jti) : jwt).sign(key);
    };
    await assertRefused({ authorization: `Bearer ${await sign()}` }, /no id \(jti\)/);
    await assertRefused({ authorization: `Bearer ${await sign('0190a0b0-0000-7000-8000-000000000000')}` }, /revoked/);
  });

  it('trusts a checked token for the cache period, except that a revocation through the same instance counts at once', async () => {
    const cached = createSessionStore({ pool: world.pool, cacheMs: 60_000 });
    const issued = await world.tokens.issue('w-b', 'worker');
    await cached.record('w-b', 'worker', issued);
    const claims = await world.tokens.verify(issued.token);
    await cached.check(claims);
    await world.sessions.revokeToken(issued.jti, 'w-b');
    await cached.check(claims);
    await assert.rejects(world.sessions.check(claims), (e: { code?: string }) => e.code === 'DSP_TOKEN_REVOKED', 'an uncached instance sees the revocation at once');
    await cached.revokePerson('w-b', 'ops-1');
    const again = await world.tokens.issue('w-b', 'worker');
    await cached.record('w-b', 'worker', again);
    const againClaims = await world.tokens.verify(again.token);
    await cached.check(againClaims);
    await cached.revokeToken(again.jti, 'w-b');
    await assert.rejects(cached.check(againClaims), (e: { code?: string }) => e.code === 'DSP_TOKEN_REVOKED');
  });
});
