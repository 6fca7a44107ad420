import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { geoCellKey, type AnomalyEvent, type IncidentEvent } from '@gridsight/contracts';
import { createTestDatabase, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import type { Admin, Producer } from 'kafkajs';
import pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadStreamProcessorConfig } from '../src/config.js';
import { createStreamProcessor, type StreamProcessor } from '../src/processor.js';
import { anomalyEvent, camera, offset, SNAPSHOT } from './support/events.js';
import { count, createTopics, dumpDatabase, kafka, processorEnv, produceEvents, readTopic, waitFor, type Topics } from './support/harness.js';

const LAT_STEP = 180 / 2 ** 15;

describe('stream processor against real Kafka and PostgreSQL', function () {
  this.timeout(180_000);
  let admin: Admin;
  let producer: Producer;
  let topics: Topics;
  let database: TestDatabase;
  let pool: pg.Pool;
  let processor: StreamProcessor;
  let registry: Registry;

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    topics = await createTopics(admin);
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    registry = new Registry();
    const config = loadStreamProcessorConfig({ ...processorEnv(topics, database.url, uniqueName('gs-sp-group')), GRIDSIGHT_SP_PARTITIONS_CONCURRENCY: '3' });
    processor = createStreamProcessor({ config, databaseUrl: database.url, logger: pino({ level: 'silent' }), registry });
    await processor.start();
  });
  after(async () => {
    await processor?.stop();
    await producer?.disconnect();
    await pool?.end();
    await database?.drop();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  });

  const stored = (events: AnomalyEvent[]) =>
    waitFor(`${events.length} detections stored`, async () => (await count(pool, 'SELECT 1 FROM detections WHERE event_id = ANY($1::uuid[])', [events.map((e) => e.eventId)])) === events.length);
  const incidentOf = async (event: AnomalyEvent) =>
    (await pool.query('SELECT i.* FROM incidents i JOIN detections d ON d.incident_id = i.incident_id WHERE d.event_id = $1', [event.eventId])).rows[0];

  it('merges three cameras seeing one pile into one incident, with the best snapshot stored once', async () => {
    const place = { lat: 52.5301, lon: 13.4102 };
    const events = [
      anomalyEvent({ source: camera('cam-a', 'gw-a'), ...place, confidence: 0.6, snapshot: SNAPSHOT, at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ source: camera('cam-b', 'gw-b'), ...offset(place, 5, 4), confidence: 0.9, snapshot: SNAPSHOT, at: '2026-11-28T10:00:03Z' }),
      anomalyEvent({ source: camera('cam-c', 'gw-c'), ...offset(place, -6, 2), confidence: 0.7, at: '2026-11-28T10:00:06Z' }),
    ];
    events[2]!.model = { ...events[2]!.model!, name: 'det\\v"2\t,\nx' };
    await produceEvents(producer, topics.anomalyEvents, events);
    await stored(events);
    const incident = await incidentOf(events[0]!);
    assert.equal(await count(pool, 'SELECT DISTINCT incident_id FROM detections WHERE event_id = ANY($1::uuid[])', [events.map((e) => e.eventId)]), 1);
    assert.equal(incident.sightings, 3);
    assert.equal(incident.sources.length, 3);
    assert.equal(incident.max_confidence, 0.9);
    assert.equal(await count(pool, 'SELECT 1 FROM snapshots WHERE sha256 = $1', [createHash('sha256').update(Buffer.from(SNAPSHOT, 'base64')).digest('hex')]), 1);
    assert.ok(incident.best_snapshot_id);
    assert.equal((await pool.query('SELECT model_name FROM detections WHERE event_id = $1', [events[2]!.eventId])).rows[0].model_name, events[2]!.model!.name, 'text with backslash, quote, tab and newline survives COPY');
  });

  it('tags detections, incidents and their announcements with the grid cell that holds them', async () => {
    const ring = [[13.48, 52.6], [13.49, 52.6], [13.49, 52.61], [13.48, 52.61], [13.48, 52.6]];
    await pool.query(
      `INSERT INTO grid_cells (cell_id, district, name, boundary, min_lat, min_lon, max_lat, max_lon) VALUES ('cell-x', 'd1', 'X', $1, 52.6, 13.48, 52.61, 13.49)`,
      [JSON.stringify({ type: 'Polygon', coordinates: [ring] })],
    );
    const inside = anomalyEvent({ lat: 52.605, lon: 13.485 });
    await produceEvents(producer, topics.anomalyEvents, [inside]);
    await stored([inside]);
    const incident = await incidentOf(inside);
    assert.equal(incident.cell_id, 'cell-x');
    assert.equal((await pool.query('SELECT cell_id FROM detections WHERE event_id = $1', [inside.eventId])).rows[0].cell_id, 'cell-x');
    const announced = await readTopic(topics.incidents, (values) => values.some((v) => v.key === incident.incident_id));
    assert.equal((announced.find((v) => v.key === incident.incident_id)!.value as IncidentEvent).incident.cellId, 'cell-x');
  });

  it('makes one incident of a pile on a cell border, seen through two partitions at once', async () => {
    const border = -90 + Math.round((52.5401 + 90) / LAT_STEP) * LAT_STEP;
    const south = { lat: border - 3 / 111_195, lon: 13.4201 };
    const north = { lat: border + 3 / 111_195, lon: 13.4201 };
    assert.notEqual(geoCellKey(south), geoCellKey(north), 'the two positions lie in different cells');
    const events: AnomalyEvent[] = [];
    for (let i = 0; i < 10; i++) {
      const at = new Date(Date.parse('2026-11-28T10:00:00Z') + i * 1000).toISOString();
      events.push(anomalyEvent({ source: camera('cam-s', 'gw-s'), ...south, at }), anomalyEvent({ source: camera('cam-n', 'gw-n'), ...north, at }));
    }
    await producer.send({
      topic: topics.anomalyEvents,
      acks: -1,
      messages: events.map((e) => ({ partition: e.source.deviceId === 'cam-s' ? 0 : 3, key: geoCellKey(e.location), value: JSON.stringify(e) })),
    });
    await stored(events);
    assert.equal(await count(pool, 'SELECT DISTINCT incident_id FROM detections WHERE event_id = ANY($1::uuid[])', [events.map((e) => e.eventId)]), 1);
    assert.equal((await incidentOf(events[0]!)).sightings, 20);
  });

  it('decides by observation time when events arrive out of order', async () => {
    const place = { lat: 52.5501, lon: 13.4302 };
    const src = camera('cam-o', 'gw-o');
    const detected = anomalyEvent({ source: src, ...place, at: '2026-11-28T10:00:00Z' });
    const cleared = anomalyEvent({ source: src, ...place, type: 'cleared', at: '2026-11-28T10:10:00Z' });
    const lateUpdate = anomalyEvent({ source: src, ...place, type: 'updated', at: '2026-11-28T10:05:00Z' });
    await produceEvents(producer, topics.anomalyEvents, [detected]);
    await stored([detected]);
    await produceEvents(producer, topics.anomalyEvents, [cleared]);
    await stored([cleared]);
    await produceEvents(producer, topics.anomalyEvents, [lateUpdate]);
    await stored([lateUpdate]);
    const incident = await incidentOf(detected);
    assert.equal(incident.status, 'cleared', 'a sighting from before the clearing does not reopen');
    assert.equal(incident.last_seen_at.toISOString(), '2026-11-28T10:05:00.000Z');
    assert.equal(incident.sightings, 2);
    assert.equal(incident.version + (incident.held_sightings ? 1 : 0), 3, 'the late sighting is announced, or held by the throttle as version 3');

    const reseen = anomalyEvent({ source: src, ...place, at: '2026-11-28T10:20:00Z' });
    await produceEvents(producer, topics.anomalyEvents, [reseen]);
    await stored([reseen]);
    assert.equal((await incidentOf(detected)).status, 'open', 'a sighting after the clearing reopens');

    const messages = await readTopic(topics.incidents, (values) => values.filter((v) => v.key === incident.incident_id).length >= 4);
    const changes = messages.filter((m) => m.key === incident.incident_id).map((m) => m.value as IncidentEvent);
    assert.deepEqual(changes.map((c) => [c.change, c.version]), [['opened', 1], ['cleared', 2], ['updated', 3], ['reopened', 4]]);
    assert.deepEqual(changes[1]!.incident.clearedBy, src);
    assert.equal(changes[1]!.cause!.eventId, cleared.eventId);
  });

  it('closes an incident when its ticket closes, and links the next sighting there to it as a repeat', async () => {
    const place = { lat: 52.5601, lon: 13.4402 };
    const first = anomalyEvent({ ...place, kind: 'manhole_open', at: '2026-11-28T10:00:00Z' });
    await produceEvents(producer, topics.anomalyEvents, [first]);
    await stored([first]);
    const incident = await incidentOf(first);
    const ticketEvent = {
      schema: 'ticket-event/v1',
      eventId: '019ac9f0-0000-7000-8000-000000000001',
      seq: 5,
      at: '2026-11-28T12:00:00.000Z',
      transition: 'closed',
      from: 'verified',
      to: 'closed',
      actor: { type: 'supervisor', id: 'sup-1' },
      ticket: {
        ticketId: '11111111-1111-4111-8111-111111111111',
        incidentId: incident.incident_id,
        kind: 'manhole_open',
        priority: 'P1',
        status: 'closed',
        location: place,
        escalated: false,
        dueBy: '2026-11-28T14:00:00.000Z',
        createdAt: '2026-11-28T10:00:05.000Z',
      },
    };
    await producer.send({ topic: topics.ticketEvents, acks: -1, messages: [{ key: ticketEvent.ticket.ticketId, value: JSON.stringify(ticketEvent) }, { key: ticketEvent.ticket.ticketId, value: JSON.stringify(ticketEvent) }] });
    await waitFor('the incident closed', async () => (await pool.query('SELECT status FROM incidents WHERE incident_id = $1', [incident.incident_id])).rows[0].status === 'closed');
    const repeat = anomalyEvent({ ...place, kind: 'manhole_open', at: '2026-11-29T08:00:00Z' });
    await produceEvents(producer, topics.anomalyEvents, [repeat]);
    await stored([repeat]);
    const next = await incidentOf(repeat);
    assert.notEqual(next.incident_id, incident.incident_id);
    assert.equal(next.previous_incident_id, incident.incident_id);
    const messages = await readTopic(topics.incidents, (values) => values.some((v) => v.key === incident.incident_id && (v.value as IncidentEvent).change === 'closed'));
    assert.equal(messages.filter((v) => v.key === incident.incident_id && (v.value as IncidentEvent).change === 'closed').length, 1, 'a repeated ticket event closes once');
  });

  it('announces sightings held back by the throttle once their interval has passed, with no further sighting', async () => {
    const place = { lat: 52.5651, lon: 13.4452 };
    const cam = camera('cam-t', 'gw-t');
    const events = Array.from({ length: 8 }, (_, i) =>
      anomalyEvent({ source: cam, ...place, type: i === 0 ? 'detected' : 'updated', at: new Date(Date.parse('2026-11-28T10:00:00Z') + i * 1000).toISOString() }),
    );
    await produceEvents(producer, topics.anomalyEvents, events.slice(0, 1));
    await stored(events.slice(0, 1));
    const incidentId = (await incidentOf(events[0]!)).incident_id as string;
    await produceEvents(producer, topics.anomalyEvents, events.slice(1));
    await stored(events);
    assert.notEqual((await incidentOf(events[0]!)).held_sightings, null, 'sightings within the interval after the opening are held');
    await waitFor('the held sightings announced', async () => (await pool.query('SELECT held_sightings FROM incidents WHERE incident_id = $1', [incidentId])).rows[0].held_sightings === null, 30_000);
    const incident = await incidentOf(events[0]!);
    assert.equal(incident.sightings, 8);
    const rows = (await pool.query<{ payload: IncidentEvent }>('SELECT payload FROM outbox WHERE message_key = $1 ORDER BY id', [incidentId])).rows.map((r) => r.payload);
    assert.equal(rows.length, incident.version, 'one announcement per version');
    assert.ok(rows.length < events.length, `sightings were coalesced (${rows.length} announcements for ${events.length} events)`);
    assert.deepEqual(rows.map((r) => r.version), Array.from({ length: rows.length }, (_, i) => i + 1));
    assert.equal(rows.at(-1)!.incident.sightings, 8, 'the trailing announcement carries every sighting');
    assert.equal(rows.at(-1)!.cause!.eventId, events.at(-1)!.eventId);
    assert.equal(rows.at(-1)!.incident.lastSeenAt, events.at(-1)!.observedAt);
    assert.ok(Date.parse(rows.at(-1)!.at) - Date.parse(rows[0]!.at) >= 3_000, 'not before the interval (3 s by default) has passed');
  });

  it('announces held sightings before the closing when the ticket closes within the interval', async () => {
    const place = { lat: 52.5671, lon: 13.4472 };
    const cam = camera('cam-c', 'gw-c');
    const events = Array.from({ length: 4 }, (_, i) =>
      anomalyEvent({ source: cam, ...place, type: i === 0 ? 'detected' : 'updated', at: new Date(Date.parse('2026-11-28T10:00:00Z') + i * 1000).toISOString() }),
    );
    await produceEvents(producer, topics.anomalyEvents, events.slice(0, 1));
    await stored(events.slice(0, 1));
    await produceEvents(producer, topics.anomalyEvents, events.slice(1));
    await stored(events);
    const incident = await incidentOf(events[0]!);
    assert.notEqual(incident.held_sightings, null, 'the sightings are held when the ticket closes');
    const ticketId = '22222222-2222-4222-8222-222222222222';
    const ticketEvent = {
      schema: 'ticket-event/v1',
      eventId: '019ac9f0-0000-7000-8000-000000000002',
      seq: 3,
      at: '2026-11-28T10:30:00.000Z',
      transition: 'cancelled',
      from: 'assigned',
      to: 'cancelled',
      actor: { type: 'supervisor', id: 'sup-1' },
      ticket: { ticketId, incidentId: incident.incident_id, kind: 'garbage_pile', priority: 'P3', status: 'cancelled', location: place, escalated: false, dueBy: '2026-11-29T10:00:00.000Z', createdAt: '2026-11-28T10:00:05.000Z' },
    };
    await producer.send({ topic: topics.ticketEvents, acks: -1, messages: [{ key: ticketId, value: JSON.stringify(ticketEvent) }] });
    await waitFor('the incident closed', async () => (await pool.query('SELECT status FROM incidents WHERE incident_id = $1', [incident.incident_id])).rows[0].status === 'closed');
    const rows = (await pool.query<{ payload: IncidentEvent }>('SELECT payload FROM outbox WHERE message_key = $1 ORDER BY id', [incident.incident_id])).rows.map((r) => r.payload);
    assert.deepEqual(rows.at(-1)!.change, 'closed');
    assert.equal(rows.at(-2)!.incident.sightings, 4, 'the sightings before the closing are announced, before it');
    assert.deepEqual(rows.map((r) => r.version), Array.from({ length: rows.length }, (_, i) => i + 1));
    assert.equal((await pool.query('SELECT held_sightings FROM incidents WHERE incident_id = $1', [incident.incident_id])).rows[0].held_sightings, null);
  });

  it('sends at least 30 bad records to the DLQ with their reasons and keeps consuming', async () => {
    const bad: Array<string | Buffer> = [];
    for (let i = 0; i < 12; i++) bad.push(`{"not json ${i}`);
    for (let i = 0; i < 12; i++) bad.push(JSON.stringify({ ...anomalyEvent(), location: { lat: 123, lon: 13.4, accuracyM: 3 } }));
    for (let i = 0; i < 6; i++) bad.push(Buffer.from([0xff, 0xfe, 0x00, i]));
    for (let i = 0; i < 4; i++) bad.push(JSON.stringify({ ...anomalyEvent(), kind: 'unicorn' }));
    const good = anomalyEvent({ lat: 52.5701, lon: 13.4502 });
    await producer.send({ topic: topics.anomalyEvents, acks: -1, messages: [...bad.map((value) => ({ key: 'bad', value })), { key: geoCellKey(good.location), value: JSON.stringify(good) }] });
    await stored([good]);
    const dlq = await readTopic(topics.dlq, (values) => values.length >= bad.length);
    assert.equal(dlq.length, bad.length, 'each bad record once');
    const reasons = dlq.map((m) => (m.value as { reason: { code: string; message: string } }).reason);
    assert.equal(reasons.filter((r) => r.code === 'CONTRACT_INVALID_JSON').length, 12);
    assert.equal(reasons.filter((r) => r.code === 'CONTRACT_INVALID_UTF8').length, 6);
    assert.ok(reasons.some((r) => r.message.includes('location.lat')));
    assert.ok(reasons.some((r) => r.message.includes('kind')));
    const metrics = await registry.getSingleMetricAsString('gridsight_sp_dlq_total');
    assert.match(metrics, new RegExp(`gridsight_sp_dlq_total\\{topic="${topics.anomalyEvents}"\\} ${bad.length}`));
  });

  it('stores gateway status (unknown gateways included) and lists offline gateways', async () => {
    const record = (gatewayId: string, state: 'online' | 'offline', receivedAt: string) => ({
      schema: 'gateway-status-record/v1',
      receivedAt,
      status: { schema: 'gateway-status/v1', gatewayId, state, at: receivedAt, agentVersion: '1.2.3' },
    });
    await producer.send({
      topic: topics.gatewayStatus,
      acks: -1,
      messages: [
        record('gw-up', 'online', '2026-11-28T10:00:00.000Z'),
        record('gw-down', 'online', '2026-11-28T10:00:00.000Z'),
        record('gw-down', 'offline', '2026-11-28T10:05:00.000Z'),
      ].map((r) => ({ key: r.status.gatewayId, value: JSON.stringify(r) })),
    });
    await waitFor('gateway statuses', async () => (await count(pool, 'SELECT 1 FROM gateways WHERE gateway_id IN ($1, $2)', ['gw-up', 'gw-down'])) === 2);
    const offline = (await pool.query('SELECT gateway_id, last_seen_at FROM gateways_offline')).rows;
    assert.deepEqual(offline.map((r) => r.gateway_id), ['gw-down']);
    assert.equal(offline[0].last_seen_at.toISOString(), '2026-11-28T10:05:00.000Z');
  });

  it('stores sensor telemetry once per reading', async () => {
    const telemetry = { schema: 'telemetry/v1', gatewayId: 'gw-t', deviceId: 'tilt-1', observedAt: '2026-11-28T10:00:00.000Z', readings: [{ metric: 'tilt_deg', value: 3.5, unit: 'deg' }, { metric: 'battery_v', value: 3.9 }] };
    const message = { key: 'gw-t/tilt-1', value: JSON.stringify(telemetry) };
    await producer.send({ topic: topics.sensorTelemetry, acks: -1, messages: [message, message] });
    await waitFor('sensor readings', async () => (await count(pool, "SELECT 1 FROM sensor_readings WHERE gateway_id = 'gw-t'")) === 2);
  });

  it('leaves the database identical when the same events are replayed', async () => {
    const events = Array.from({ length: 60 }, (_, i) =>
      anomalyEvent({ source: camera(`cam-${i % 3}`, `gw-r${i % 3}`), ...offset({ lat: 52.58, lon: 13.46 }, (i % 10) * 40), at: new Date(Date.parse('2026-11-28T10:00:00Z') + i * 1000).toISOString(), snapshot: i % 7 === 0 ? SNAPSHOT : undefined }),
    );
    await produceEvents(producer, topics.anomalyEvents, events);
    await stored(events);
    await waitFor('nothing held and the outbox published', async () => (await count(pool, 'SELECT 1 FROM incidents WHERE held_sightings IS NOT NULL UNION ALL SELECT 1 FROM outbox WHERE published_at IS NULL')) === 0);
    const before = await dumpDatabase(pool);
    await produceEvents(producer, topics.anomalyEvents, events);
    const sentinel = anomalyEvent({ lat: 52.59, lon: 13.47 });
    // Same partition as every replayed event's cell would be too much to ask; the sentinel goes to each partition after them.
    for (let partition = 0; partition < 6; partition++) {
      await producer.send({ topic: topics.anomalyEvents, acks: -1, messages: [{ partition, key: 'sentinel', value: JSON.stringify({ ...sentinel, eventId: `${sentinel.eventId.slice(0, -2)}${String(partition).padStart(2, '0')}` }) }] });
    }
    await waitFor('the sentinels after the replay', async () => (await count(pool, "SELECT 1 FROM detections WHERE lat = 52.59")) === 6);
    await pool.query('DELETE FROM detections WHERE lat = 52.59');
    await pool.query("DELETE FROM outbox WHERE message_key IN (SELECT incident_id::text FROM incidents WHERE lat = 52.59)");
    await pool.query('DELETE FROM incidents WHERE lat = 52.59');
    const after = await dumpDatabase(pool);
    assert.deepEqual(after, before);
  });
});
