import assert from 'node:assert/strict';
import { DOMParser, type Element } from '@xmldom/xmldom';
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

  describe('XML format', () => {
    // The element order of the GeoReport v2 specification's examples (wiki.open311.org/GeoReport_v2).
    const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
    const REQUEST_FIELDS = [
      'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
      'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
    ];

    /** Parses strictly (a well-formedness error fails the test) and returns the root's item elements as name → text maps, in order. */
    const parse = (body: string, root: string, item: string) => {
      const errors: string[] = [];
      const doc = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(body, 'text/xml');
      assert.deepEqual(errors, [], body);
      assert.equal(doc.documentElement?.tagName, root, body);
      const children = (parent: Element) => Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1);
      return children(doc.documentElement!).map((element) => {
        assert.equal(element.tagName, item);
        return children(element).map((field) => [field.tagName, field.textContent ?? ''] as const);
      });
    };
    const get = async (url: string) => {
      const response = await world.app.inject({ method: 'GET', url });
      assert.match(String(response.headers['content-type']), /^text\/xml; charset=utf-8/);
      return response;
    };

    it('lists the services as <services><service> with the fields of the spec', async () => {
      const services = parse((await get('/open311/v2/services.xml')).body, 'services', 'service');
      assert.equal(services.length, 3);
      for (const fields of services) assert.deepEqual(fields.map(([name]) => name), SERVICE_FIELDS);
      assert.deepEqual(services[1]!.slice(0, 1), [['service_code', 'manhole_open']]);
      assert.deepEqual(services[1]!.find(([name]) => name === 'metadata'), ['metadata', 'false']);
    });

    it('takes a form-encoded report at requests.xml and answers the token, the token lookup and the request list in XML', async () => {
      const posted = await world.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.xml',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ api_key: API_KEY, service_code: 'manhole_open', lat: '31.2352', long: '121.4752', description: 'cover gone <near> the "bus stop" & school' }).toString(),
      });
      assert.equal(posted.statusCode, 201, posted.body);
      const [answer] = parse(posted.body, 'service_requests', 'request');
      assert.deepEqual(answer!.map(([name]) => name), ['token', 'service_notice', 'account_id']);
      const token = answer![0]![1];
      assert.match(token, /^[0-9a-f-]{36}$/);
      assert.equal(answer![2]![1], '', 'account_id is an empty element');

      const opened = await openIncident(world.pool, { kind: 'manhole_open', lat: 31.2352, lon: 121.4752 });
      await world.pool.query(
        `INSERT INTO detections (event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, lat, lon, accuracy_m, geo_cell, incident_id)
         VALUES ($1, now(), 'detected', 'manhole_open', 'citizen', 'open311', $2, 1, 31.2352, 121.4752, 30, 'wtw3sj', $3)`,
        [token, token, opened.incident.incidentId],
      );
      const created = await handleIncidentEvent(world.deps, opened);
      assert.ok(created.kind === 'created');
      assert.deepEqual(parse((await get(`/open311/v2/tokens/${token}.xml`)).body, 'service_requests', 'request'), [
        [
          ['service_request_id', created.ticketId],
          ['token', token],
        ],
      ]);

      const [request] = parse((await get(`/open311/v2/requests/${created.ticketId}.xml`)).body, 'service_requests', 'request');
      assert.deepEqual(request!.map(([name]) => name), REQUEST_FIELDS);
      const field = (name: string) => request!.find(([n]) => n === name)![1];
      assert.equal(field('service_request_id'), created.ticketId);
      assert.equal(field('status'), 'open');
      assert.equal(field('description'), 'cover gone <near> the "bus stop" & school', 'markup in a description is escaped and survives the round trip');
      assert.equal(Number(field('lat')), 31.2352);
      assert.equal(Number(field('long')), 121.4752);
      const json = (await world.app.inject({ method: 'GET', url: `/open311/v2/requests/${created.ticketId}.json` })).json()[0];
      assert.equal(field('expected_datetime'), json.expected_datetime, 'the XML carries the same SLA as the JSON');

      const list = parse((await get('/open311/v2/requests.xml?service_code=manhole_open&status=open')).body, 'service_requests', 'request');
      assert.ok(list.some((fields) => fields[0]![1] === created.ticketId));
      const none = await get('/open311/v2/requests.xml?service_code=bin_full');
      assert.deepEqual(parse(none.body, 'service_requests', 'request'), []);
    });

    it('answers errors as <errors><error><code/><description/></error></errors>', async () => {
      const forbidden = await world.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.xml',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ api_key: 'z'.repeat(20), service_code: 'garbage_pile', lat: '31.2', long: '121.4' }).toString(),
      });
      assert.equal(forbidden.statusCode, 403);
      assert.deepEqual(parse(forbidden.body, 'errors', 'error'), [[['code', '403'], ['description', 'api_key is not valid']]]);
      const badId = await get("/open311/v2/requests/1'or'1.xml");
      assert.equal(badId.statusCode, 400);
      const [error] = parse(badId.body, 'errors', 'error');
      assert.equal(error![0]![1], '400');
      assert.match(error![1]![1], /id/);
      const missing = await get('/open311/v2/requests/0190a0b0-0000-7000-8000-000000000000.xml');
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(parse(missing.body, 'errors', 'error'), [[['code', '404'], ['description', 'no service request 0190a0b0-0000-7000-8000-000000000000']]]);
    });
  });
});
