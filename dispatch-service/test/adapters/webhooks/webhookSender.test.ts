import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ticketEventCodec } from '@gridsight/contracts';
import { createLogger } from '@gridsight/service-kit';
import { createWebhookSender } from '../../../src/adapters/webhooks/webhookSender.js';
import { verifyWebhookSignature } from '../../../src/core/webhooks.js';
import { handleIncidentEvent } from '../../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, type ApiWorld } from '../../support/api.js';
import { openIncident } from '../../support/world.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('signed webhooks with retries (real PostgreSQL, a real HTTP receiver)', function () {
  this.timeout(60_000);
  let world: ApiWorld;
  let receiver: Server;
  let url: string;
  const received: Received[] = [];
  let failuresLeft = 2;

  before(async () => {
    world = await createApiWorld();
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          response.writeHead(503).end('busy');
        } else {
          response.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/gridsight`;
  });
  after(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await world?.close();
  });

  it('delivers every transition signed, retries a failing receiver with backoff, and honours a transition filter', async () => {
    const ops = await world.as('ops-1');
    const all = await world.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: ops, payload: { url } });
    assert.equal(all.statusCode, 201, all.body);
    const { secret } = all.json();
    const onlyEscalations = await world.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: ops, payload: { url: `${url}?only=escalated`, transitions: ['escalated'] } });
    assert.equal(onlyEscalations.statusCode, 201);
    const refused = await world.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: await world.as('s-1'), payload: { url } });
    assert.equal(refused.statusCode, 403);
    const badUrl = await world.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: ops, payload: { url: 'file:///etc/passwd' } });
    assert.equal(badUrl.statusCode, 400);

    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created');

    let now = new Date();
    const sender = createWebhookSender({ pool: world.pool, logger: createLogger('dispatch-test', 'silent'), clock: () => now });
    assert.equal(await sender.sendDue(), 2, 'created and assigned, to the unfiltered subscription only');
    assert.equal(received.length, 2);
    assert.equal(await sender.sendDue(), 0, 'failed deliveries wait for their backoff');

    now = new Date(now.getTime() + 10_000);
    assert.equal(await sender.sendDue(), 2);
    const { rows } = await world.pool.query('SELECT attempts, delivered_at IS NOT NULL AS delivered, last_status FROM webhook_deliveries ORDER BY delivery_id');
    assert.deepEqual(rows, [
      { attempts: 2, delivered: true, last_status: 204 },
      { attempts: 2, delivered: true, last_status: 204 },
    ]);

    const delivered = received.slice(2);
    const transitions = delivered.map((r) => {
      const timestamp = Number(r.headers['x-gridsight-timestamp']);
      assert.ok(verifyWebhookSignature(secret, String(r.headers['x-gridsight-signature']), timestamp, r.body, Math.floor(now.getTime() / 1000)), 'the signature verifies with the subscription secret');
      const event = ticketEventCodec.decode(r.body);
      assert.ok(event.ok);
      assert.equal(r.headers['x-gridsight-event-id'], event.value.eventId);
      return event.value.transition;
    });
    assert.deepEqual(transitions.sort(), ['assigned', 'created']);

    const listed = (await world.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: ops })).json();
    assert.deepEqual(listed.subscriptions.map((s: { delivered: number; secret?: string }) => [s.delivered, s.secret]), [[2, undefined], [0, undefined]]);
  });
});
