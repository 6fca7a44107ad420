import assert from 'node:assert/strict';
import { createApiWorld, type ApiWorld } from '../../support/api.js';

describe('POST /api/v1/webhooks under an Idempotency-Key (fastify.inject, real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: ApiWorld;

  before(async () => {
    world = await createApiWorld();
  });
  after(async () => world?.close());

  const subscribe = async (payload: Record<string, unknown>, key?: string) =>
    world.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { ...(await world.as('ops-1')), ...(key === undefined ? {} : { 'idempotency-key': key }) }, payload });
  const subscriptions = async () => Number((await world.pool.query('SELECT count(*) AS n FROM webhook_subscriptions')).rows[0].n);

  it('answers a repeat with the first subscription and its secret, and stores one', async () => {
    const before = await subscriptions();
    const first = await subscribe({ url: 'https://receiver.example/hook', transitions: ['escalated'] }, 'hook-1');
    assert.equal(first.statusCode, 201, first.body);
    const again = await subscribe({ url: 'https://receiver.example/hook', transitions: ['escalated'] }, 'hook-1');
    assert.equal(again.statusCode, 201, again.body);
    assert.deepEqual(again.json(), first.json());
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(await subscriptions(), before + 1);
  });

  it('refuses another subscription under a used key with 422, and makes a new one for each POST without a key', async () => {
    await subscribe({ url: 'https://receiver.example/a' }, 'hook-2');
    const other = await subscribe({ url: 'https://receiver.example/b' }, 'hook-2');
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().error, 'DSP_IDEMPOTENCY_KEY_REUSED');
    const before = await subscriptions();
    const [a, b] = [await subscribe({ url: 'https://receiver.example/c' }), await subscribe({ url: 'https://receiver.example/c' })];
    assert.notEqual(a.json().subscriptionId, b.json().subscriptionId);
    assert.equal(await subscriptions(), before + 2);
  });
});
