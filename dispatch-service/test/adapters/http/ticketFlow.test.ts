import assert from 'node:assert/strict';
import sharp from 'sharp';
import { handleIncidentEvent } from '../../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, multipartBody, PASSWORD, type ApiWorld } from '../../support/api.js';
import { openIncident } from '../../support/world.js';

/** A phone photo with the EXIF a phone writes: where it was taken and on what. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Phone 9', Copyright: 'worker w-a' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 6/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 30/1' } })
    .toBuffer();
}

describe('worker API: sign in, own tickets only, resolve with a photo (fastify.inject, real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: ApiWorld;
  let ticketOfA: string;
  let ticketOfB: string;

  before(async () => {
    world = await createApiWorld();
    const a = await handleIncidentEvent(world.deps, await openIncident(world.pool, { lat: 31.235, lon: 121.475 }));
    const b = await handleIncidentEvent(world.deps, await openIncident(world.pool, { lat: 31.235, lon: 121.485, kind: 'garbage_pile' }));
    assert.ok(a.kind === 'created' && b.kind === 'created');
    assert.deepEqual([a.assigneeId, b.assigneeId], ['w-a', 'w-b']);
    ticketOfA = a.ticketId;
    ticketOfB = b.ticketId;
  });
  after(async () => world?.close());

  it('signs a worker in with the password and returns a token the API accepts', async () => {
    const login = await world.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'w-a', password: PASSWORD } });
    assert.equal(login.statusCode, 200, login.body);
    const { token, role } = login.json();
    assert.equal(role, 'worker');
    const me = await world.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.json().workerId, 'w-a');
  });

  it('lets worker A see only A\'s tickets, and neither read nor act on B\'s', async () => {
    const headers = await world.as('w-a');
    const list = await world.app.inject({ method: 'GET', url: '/api/v1/tickets', headers });
    assert.deepEqual(list.json().tickets.map((t: { ticketId: string }) => t.ticketId), [ticketOfA]);
    const askedForB = await world.app.inject({ method: 'GET', url: '/api/v1/tickets?assigneeId=w-b', headers });
    assert.equal(askedForB.statusCode, 403);

    for (const request of [
      { method: 'GET' as const, url: `/api/v1/tickets/${ticketOfB}` },
      { method: 'GET' as const, url: `/api/v1/tickets/${ticketOfB}/events` },
      { method: 'POST' as const, url: `/api/v1/tickets/${ticketOfB}/actions`, payload: { action: 'accept' } },
      { method: 'POST' as const, url: `/api/v1/tickets/${ticketOfB}/photos`, ...multipartBody('p.jpg', 'image/jpeg', await phonePhoto()) },
    ]) {
      const response = await world.app.inject({ ...request, headers: { ...headers, ...(request as { headers?: object }).headers } });
      assert.equal(response.statusCode, 404, `${request.method} ${request.url}: ${response.body}`);
      assert.match(response.json().message, /among your tickets/);
    }
    const { rows } = await world.pool.query('SELECT status FROM tickets WHERE ticket_id = $1', [ticketOfB]);
    assert.equal(rows[0].status, 'assigned', "B's ticket did not move");
  });

  it('takes a ticket through accept, start, photo (EXIF stripped), resolve and supervisor verification, with every step audited', async () => {
    const worker = await world.as('w-a');
    const act = async (headers: object, payload: object) => {
      const response = await world.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketOfA}/actions`, headers: headers as Record<string, string>, payload });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
    assert.equal((await act(worker, { action: 'accept' })).status, 'accepted');
    assert.equal((await act(worker, { action: 'start' })).status, 'in_progress');

    const original = await phonePhoto();
    assert.ok((await sharp(original).metadata()).exif, 'the test photo carries EXIF');
    const form = multipartBody('fix.jpg', 'image/jpeg', original);
    const upload = await world.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketOfA}/photos`, headers: { ...worker, ...form.headers }, payload: form.payload });
    assert.equal(upload.statusCode, 201, upload.body);
    const { photoId, url } = upload.json();
    const served = await world.app.inject({ method: 'GET', url });
    assert.equal(served.headers['content-type'], 'image/jpeg');
    const metadata = await sharp(served.rawPayload).metadata();
    assert.equal(metadata.exif, undefined, 'no EXIF (GPS, device) survives');
    assert.deepEqual([metadata.width, metadata.height], [640, 480]);

    const resolved = await act(worker, { action: 'resolve', photoId, note: 'lid back in place' });
    assert.equal(resolved.status, 'resolved');
    const verified = await act(await world.as('s-1'), { action: 'verify', note: 'photo shows the lid', expectedVersion: resolved.version });
    assert.equal(verified.status, 'verified');

    const trail = await world.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketOfA}/events`, headers: worker });
    const events = trail.json().events as Array<{ transition: string; actor: { type: string; id: string | null }; photoUrl: string | null }>;
    assert.deepEqual(events.map((e) => `${e.transition}/${e.actor.type}`), ['created/system', 'assigned/system', 'accepted/worker', 'started/worker', 'resolved/worker', 'verified/supervisor']);
    assert.equal(events[4]!.photoUrl, url);
  });

  it('serves the OpenAPI document', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(response.statusCode, 200);
    assert.ok(response.json().paths['/api/v1/tickets/{ticketId}/actions']);
  });
});
