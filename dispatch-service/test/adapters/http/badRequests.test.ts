import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createTokenService } from '../../../src/adapters/auth/tokens.js';
import { handleIncidentEvent } from '../../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, multipartBody, testSigningKey, type ApiWorld } from '../../support/api.js';
import { openIncident } from '../../support/world.js';

interface BadRequest {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string | (() => string);
  as?: 'w-a' | 'w-b' | 's-1' | 'ops-1' | 'expired' | 'forged' | 'garbled';
  payload?: unknown;
  multipart?: () => Promise<{ payload: Buffer; headers: Record<string, string> }>;
  status: number;
  message: RegExp;
}

describe('bad requests are answered 4xx with a message naming the problem (fastify.inject, real PostgreSQL)', function () {
  this.timeout(90_000);
  let world: ApiWorld;
  let ticket = '';
  const PHOTO_LIMIT = 64 * 1024;

  before(async () => {
    world = await createApiWorld({ photoMaxBytes: PHOTO_LIMIT });
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created' && created.assigneeId === 'w-a');
    ticket = created.ticketId;
  });
  after(async () => world?.close());

  const actions = () => `/api/v1/tickets/${ticket}/actions`;
  const photos = () => `/api/v1/tickets/${ticket}/photos`;
  const noise = async (bytes: number) => sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 0 }).toBuffer().then((b) => b.subarray(0, Math.max(bytes, b.length)));

  const cases: BadRequest[] = [
    { name: 'no token', method: 'GET', url: '/api/v1/tickets', status: 401, message: /sign in first/ },
    { name: 'a malformed Authorization header', method: 'GET', url: '/api/v1/tickets', as: 'garbled', status: 401, message: /must be "Bearer <access token>"/ },
    { name: 'an expired token', method: 'GET', url: '/api/v1/tickets', as: 'expired', status: 401, message: /expired; sign in again/ },
    { name: 'a token signed by another key', method: 'GET', url: '/api/v1/tickets', as: 'forged', status: 401, message: /not valid/ },
    { name: 'a wrong password', method: 'POST', url: '/api/v1/auth/token', payload: { username: 'w-a', password: 'nope' }, status: 401, message: /wrong password/ },
    { name: 'SQL metacharacters as a user name', method: 'POST', url: '/api/v1/auth/token', payload: { username: "w-a' OR '1'='1", password: 'x' }, status: 400, message: /body.username must be an id of 1-64 letters/ },
    { name: 'a ticket id that is not a UUID', method: 'GET', url: '/api/v1/tickets/42', as: 'w-a', status: 400, message: /params.ticketId must be a UUID/ },
    { name: 'SQL metacharacters as a ticket id', method: 'GET', url: `/api/v1/tickets/${encodeURIComponent("1'; DROP TABLE tickets;--")}`, as: 's-1', status: 400, message: /params.ticketId must be a UUID/ },
    { name: 'an unknown ticket', method: 'GET', url: '/api/v1/tickets/0193a000-0000-7000-8000-000000000000', as: 's-1', status: 404, message: /no ticket 0193a000/ },
    { name: 'an unknown status filter', method: 'GET', url: '/api/v1/tickets?status=done', as: 's-1', status: 400, message: /querystring.status.0 must be one of new, assigned/ },
    { name: 'a limit out of range', method: 'GET', url: '/api/v1/tickets?limit=100000', as: 's-1', status: 400, message: /querystring.limit must be <= 500/ },
    { name: 'an unknown action', method: 'POST', url: actions, as: 'w-a', payload: { action: 'teleport' }, status: 400, message: /body.action must be one of assign, reassign, accept/ },
    { name: 'an unknown field in an action', method: 'POST', url: actions, as: 'w-a', payload: { action: 'accept', priority: 'P1' }, status: 400, message: /body has an unknown field priority/ },
    { name: 'an action body that is not JSON', method: 'POST', url: actions, as: 'w-a', payload: '{"action":', status: 400, message: /JSON/ },
    { name: 'resolving an unaccepted ticket', method: 'POST', url: actions, as: 'w-a', payload: { action: 'resolve', photoId: '0193a000-0000-7000-8000-000000000001' }, status: 400, message: /not a photo uploaded for this ticket/ },
    { name: 'starting before accepting', method: 'POST', url: actions, as: 'w-a', payload: { action: 'start' }, status: 409, message: /assigned ticket cannot be started; it must be accepted/ },
    { name: 'a worker verifying', method: 'POST', url: actions, as: 'w-a', payload: { action: 'verify' }, status: 403, message: /a worker may not make a ticket verified/ },
    { name: 'a supervisor accepting for a worker', method: 'POST', url: actions, as: 's-1', payload: { action: 'accept' }, status: 403, message: /supervisor may not make a ticket accepted/ },
    { name: 'cancelling without a note', method: 'POST', url: actions, as: 's-1', payload: { action: 'cancel' }, status: 400, message: /cancelled needs a note/ },
    { name: 'reassigning to an unknown worker', method: 'POST', url: actions, as: 's-1', payload: { action: 'reassign', assigneeId: 'nobody' }, status: 400, message: /assigneeId nobody is not an active grid worker/ },
    { name: 'a stale expectedVersion', method: 'POST', url: actions, as: 'w-a', payload: { action: 'accept', expectedVersion: 1 }, status: 409, message: /is at version 2, not 1/ },
    { name: 'a note over 2000 characters', method: 'POST', url: actions, as: 's-1', payload: { action: 'cancel', note: 'x'.repeat(2001) }, status: 400, message: /body.note must NOT have more than 2000 characters/ },
    { name: "another worker's ticket", method: 'POST', url: actions, as: 'w-b', payload: { action: 'accept' }, status: 404, message: /among your tickets/ },
    { name: 'a photo that is a text file', method: 'POST', url: photos, as: 'w-a', multipart: async () => multipartBody('notes.txt', 'text/plain', Buffer.from('hello')), status: 415, message: /text\/plain file is not a photo/ },
    { name: 'a photo declared JPEG that is not an image', method: 'POST', url: photos, as: 'w-a', multipart: async () => multipartBody('fake.jpg', 'image/jpeg', Buffer.from('<?php echo 1; ?>')), status: 415, message: /not an image that can be read/ },
    { name: 'an oversize photo', method: 'POST', url: photos, as: 'w-a', multipart: async () => multipartBody('big.png', 'image/png', await noise(PHOTO_LIMIT + 1)), status: 413, message: /larger than 65536 bytes/ },
    { name: 'a photo upload that is not multipart', method: 'POST', url: photos, as: 'w-a', payload: { photo: 'base64...' }, status: 415, message: /multipart\/form-data/ },
    { name: 'a worker importing cells', method: 'POST', url: '/api/v1/cells', as: 'w-a', payload: { type: 'FeatureCollection', features: [] }, status: 403, message: /needs the role ops; you are worker/ },
    { name: 'a cell polygon whose ring does not close (found by schemathesis)', method: 'POST', url: '/api/v1/cells', as: 'ops-1', payload: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[121, 31], [122, 31], [122, 32], [121, 32.5]]] }, properties: { cellId: 'c1', district: 'd', name: 'n' } }] }, status: 400, message: /ring 0 does not end where it starts/ },
    { name: 'a cell naming a supervisor who does not exist (found by schemathesis)', method: 'POST', url: '/api/v1/cells', as: 'ops-1', payload: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[121, 31], [122, 31], [122, 32], [121, 31]]] }, properties: { cellId: 'c1', district: 'd', name: 'n', supervisorId: 'nobody' } }] }, status: 400, message: /no supervisor nobody/ },
    { name: 'a cell polygon with a latitude out of range', method: 'POST', url: '/api/v1/cells', as: 'ops-1', payload: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[121, 95], [122, 95], [122, 96], [121, 95]]] }, properties: { cellId: 'c1', district: 'd', name: 'n' } }] }, status: 400, message: /must be <= 90/ },
    { name: 'a worker whose home cell does not exist', method: 'PUT', url: '/api/v1/people/w-new', as: 'ops-1', payload: { displayName: 'New', role: 'worker', homeCellId: 'cell-zz', password: 'long enough password' }, status: 400, message: /homeCellId cell-zz is not a grid cell/ },
    { name: 'a password that is too short', method: 'PUT', url: '/api/v1/people/w-new', as: 'ops-1', payload: { displayName: 'New', role: 'worker', password: 'short' }, status: 400, message: /body.password must NOT have fewer than 10 characters/ },
    { name: 'an unknown route', method: 'GET', url: '/api/v1/nothing-here', status: 404, message: /no route GET \/api\/v1\/nothing-here/ },
  ];

  it(`answers ${cases.length} bad requests with a 4xx and a message, and leaves the ticket untouched`, async () => {
    const expired = await createTokenService({ privateKeyPem: world.privateKeyPem, ttlSeconds: 60, clock: () => new Date(Date.now() - 3600_000) }).issue('w-a', 'worker');
    const forged = await createTokenService({ privateKeyPem: testSigningKey(), ttlSeconds: 600 }).issue('s-1', 'supervisor');
    const headersFor = async (as: BadRequest['as']): Promise<Record<string, string>> => {
      if (as === undefined) return {};
      if (as === 'expired') return { authorization: `Bearer ${expired.token}` };
      if (as === 'forged') return { authorization: `Bearer ${forged.token}` };
      if (as === 'garbled') return { authorization: 'Token abc' };
      return world.as(as);
    };
    assert.ok(cases.length >= 20);
    const failures: string[] = [];
    for (const c of cases) {
      const form = c.multipart ? await c.multipart() : undefined;
      const stringBody = typeof c.payload === 'string';
      const response = await world.app.inject({
        method: c.method,
        url: typeof c.url === 'function' ? c.url() : c.url,
        headers: { ...(await headersFor(c.as)), ...(form?.headers ?? {}), ...(stringBody ? { 'content-type': 'application/json' } : {}) },
        ...(form ? { payload: form.payload } : c.payload !== undefined ? { payload: c.payload as string } : {}),
      });
      const body = response.json() as { error?: string; message?: string };
      if (response.statusCode !== c.status || !c.message.test(body.message ?? '') || typeof body.error !== 'string') {
        failures.push(`${c.name}: got ${response.statusCode} ${response.body.slice(0, 300)}`);
      }
    }
    assert.deepEqual(failures, []);
    const { rows } = await world.pool.query('SELECT status, version FROM tickets WHERE ticket_id = $1', [ticket]);
    assert.deepEqual(rows[0], { status: 'assigned', version: 2 });
    assert.equal((await world.pool.query('SELECT count(*)::int AS n FROM tickets')).rows[0].n, 1, 'the tickets table is still there');
  });
});
