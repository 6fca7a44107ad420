import assert from 'node:assert/strict';
import { anomalyEventCodec, geoCellKey } from '@gridsight/contracts';
import { apiKeyDigest } from '../../../src/adapters/db/open311Queries.js';
import { actOnTicket } from '../../../src/workflows/actOnTicket.js';
import { handleIncidentEvent } from '../../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, type ApiWorld } from '../../support/api.js';
import { openIncident } from '../../support/world.js';

const API_KEY = 'k'.repeat(40);

describe('Open311 GeoReport v2 (fastify.inject, real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: ApiWorld;

  before(async () => {
    world = await createApiWorld();
    await world.pool.query('INSERT INTO open311_clients (client_id, key_sha256) VALUES ($1, $2)', ['city-app', apiKeyDigest(API_KEY)]);
  });
  after(async () => world?.close());

  const post = (payload: Record<string, unknown>, form = false) =>
    world.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      ...(form ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(payload as Record<string, string>).toString() } : { payload }),
    });

  it('lists one service per anomaly kind', async () => {
    const services = (await world.app.inject({ method: 'GET', url: '/open311/v2/services.json' })).json();
    assert.deepEqual(services.map((s: { service_code: string }) => s.service_code), ['garbage_pile', 'manhole_open', 'bin_full']);
    assert.equal(services[1].metadata, false);
  });

  it('refuses reports without a valid api_key or with bad fields, in GeoReport error form', async () => {
    const noKey = await post({ api_key: 'x'.repeat(20), service_code: 'garbage_pile', lat: 31.235, long: 121.475 });
    assert.equal(noKey.statusCode, 403);
    assert.deepEqual(noKey.json(), [{ code: 403, description: 'api_key is not valid' }]);
    const bad = await post({ api_key: API_KEY, service_code: 'pothole', lat: 95, long: 121.475 });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json()[0].description, /body.service_code must be one of garbage_pile, manhole_open, bin_full; body.lat must be <= 90/);
    const badId = await world.app.inject({ method: 'GET', url: "/open311/v2/requests/1'or'1.json" });
    assert.equal(badId.statusCode, 400);
  });

  it('turns a form-encoded citizen report into a citizen anomaly event on the outbox, and its token into the ticket once dispatched', async () => {
    const response = await post({ api_key: API_KEY, service_code: 'garbage_pile', lat: '31.2351', long: '121.4751', description: 'bags of rubbish by the school gate', email: 'a@b.c' }, true);
    assert.equal(response.statusCode, 201, response.body);
    const [{ token }] = response.json();

    const { rows } = await world.pool.query('SELECT topic, message_key, payload FROM outbox WHERE event_id = $1', [token]);
    assert.equal(rows[0].topic, 'anomaly-events');
    const decoded = anomalyEventCodec.check(rows[0].payload);
    assert.ok(decoded.ok, !decoded.ok ? decoded.error.message : '');
    assert.deepEqual(decoded.value.source, { type: 'citizen', gatewayId: 'open311', deviceId: token });
    assert.equal(rows[0].message_key, geoCellKey({ lat: 31.2351, lon: 121.4751 }));

    const pending = (await world.app.inject({ method: 'GET', url: `/open311/v2/tokens/${token}.json` })).json();
    assert.deepEqual(pending, [{ service_request_id: null, token }]);

    // What the stream processor does with the event: an incident, and the detection linked to it.
    const opened = await openIncident(world.pool, { kind: 'garbage_pile', lat: 31.2351, lon: 121.4751 });
    await world.pool.query(
      `INSERT INTO detections (event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, lat, lon, accuracy_m, geo_cell, incident_id)
       VALUES ($1, now(), 'detected', 'garbage_pile', 'citizen', 'open311', $2, 1, 31.2351, 121.4751, 30, 'wtw3sj', $3)`,
      [token, token, opened.incident.incidentId],
    );
    const created = await handleIncidentEvent(world.deps, opened);
    assert.ok(created.kind === 'created');

    const resolved = (await world.app.inject({ method: 'GET', url: `/open311/v2/tokens/${token}.json` })).json();
    assert.deepEqual(resolved, [{ service_request_id: created.ticketId, token }]);
    const [request] = (await world.app.inject({ method: 'GET', url: `/open311/v2/requests/${created.ticketId}.json` })).json();
    assert.equal(request.status, 'open');
    assert.equal(request.service_code, 'garbage_pile');
    assert.equal(request.description, 'bags of rubbish by the school gate');
    const { rows: ticket } = await world.pool.query('SELECT due_by FROM tickets WHERE ticket_id = $1', [created.ticketId]);
    assert.equal(request.expected_datetime, ticket[0].due_by.toISOString());

    await world.pool.query("UPDATE tickets SET status = 'resolved' WHERE ticket_id = $1", [created.ticketId]);
    await actOnTicket(world.deps, created.ticketId, { type: 'supervisor', id: 's-1' }, { transition: 'verified', note: 'cleared by the sanitation team' }, String);
    const closed = (await world.app.inject({ method: 'GET', url: `/open311/v2/requests.json?status=closed&service_code=garbage_pile` })).json();
    assert.deepEqual(closed.map((r: { service_request_id: string }) => r.service_request_id), [created.ticketId]);
    assert.equal(closed[0].status_notes, 'cleared by the sanitation team');
    const open = (await world.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=open' })).json();
    assert.ok(!open.some((r: { service_request_id: string }) => r.service_request_id === created.ticketId));
  });
});
