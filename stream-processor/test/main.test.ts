import assert from 'node:assert/strict';
import { geoCellKey, type AnomalyEvent, type IncidentEvent } from '@gridsight/contracts';
import { createTestDatabase, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import type { Admin, Producer } from 'kafkajs';
import pg from 'pg';
import { anomalyEvent, camera, offset } from './support/events.js';
import { spawnProcessor, type ChildProcessor } from './support/childProcessor.js';
import { count, createTopics, kafka, processorEnv, produceEvents, readTopic, waitFor, type Topics } from './support/harness.js';

const LAT_STEP = 180 / 2 ** 15;

/** Places far apart from each other (so each is one problem), some of them straddling a cell border. */
function problems(n: number, base: { lat: number; lon: number }): Array<{ a: { lat: number; lon: number }; b: { lat: number; lon: number } }> {
  return Array.from({ length: n }, (_, i) => {
    const centre = offset(base, Math.floor(i / 6) * 1500, (i % 6) * 300);
    if (i % 3 !== 0) return { a: centre, b: offset(centre, 6, 3) };
    const border = -90 + Math.round((centre.lat + 90) / LAT_STEP) * LAT_STEP;
    return { a: { lat: border - 4 / 111_195, lon: centre.lon }, b: { lat: border + 4 / 111_195, lon: centre.lon } };
  });
}

/** One wave: every problem seen once by its camera A and once by its camera B. */
function wave(places: ReturnType<typeof problems>, waveNo: number): AnomalyEvent[] {
  return places.flatMap((place, i) => {
    const at = new Date(Date.parse('2026-11-28T10:00:00Z') + waveNo * 60_000 + i).toISOString();
    const type = waveNo === 0 ? 'detected' : 'updated';
    return [anomalyEvent({ type, source: camera(`cam-${i}a`, `gw-${i}`), ...place.a, at }), anomalyEvent({ type, source: camera(`cam-${i}b`, `gw-${i}x`), ...place.b, at })];
  });
}

async function stop(processor: ChildProcessor, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  processor.child.kill(signal);
  return processor.exited;
}

describe('stream processor as a process (node dist/main.js)', function () {
  this.timeout(300_000);
  let admin: Admin;
  let producer: Producer;
  const children: ChildProcessor[] = [];
  const databases: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  const topicSets: Topics[] = [];

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  after(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await producer.disconnect();
    await Promise.all(pools.map((p) => p.end()));
    await Promise.all(databases.map((d) => d.drop()));
    await admin.deleteTopics({ topics: topicSets.flatMap((t) => Object.values(t)) }).catch(() => undefined);
    await admin.disconnect();
  });

  const setUp = async () => {
    const topics = await createTopics(admin);
    topicSets.push(topics);
    const database = await createTestDatabase();
    databases.push(database);
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    pools.push(pool);
    const env = { ...processorEnv(topics, database.url, uniqueName('gs-sp-group')), GRIDSIGHT_SP_MAX_BATCH: '10' };
    const start = (extra: Record<string, string> = {}) => {
      const child = spawnProcessor({ ...env, ...extra });
      children.push(child);
      return child;
    };
    return { topics, pool, start };
  };

  /**
   * One incident per problem, each with every sighting, and its announced versions 1..n without a
   * gap or a second copy, once the trailing announcements of held sightings are out.
   */
  const assertOneIncidentPerProblem = async (pool: pg.Pool, topics: Topics, events: AnomalyEvent[], problemCount: number) => {
    await waitFor(`all ${events.length} events stored`, async () => (await count(pool, 'SELECT 1 FROM detections')) === events.length, 180_000);
    await waitFor('no sighting held back', async () => (await count(pool, 'SELECT 1 FROM incidents WHERE held_sightings IS NOT NULL')) === 0, 60_000);
    assert.equal(await count(pool, 'SELECT 1 FROM incidents'), problemCount, 'one incident per problem');
    const perIncident = (await pool.query<{ sightings: number; version: number; incident_id: string }>('SELECT incident_id, sightings, version FROM incidents')).rows;
    const sightingsEach = events.length / problemCount;
    assert.ok(perIncident.every((i) => i.sightings === sightingsEach), 'every sighting merged exactly once');
    const versions = perIncident.reduce((sum, i) => sum + i.version, 0);
    assert.equal(await count(pool, 'SELECT 1 FROM outbox WHERE topic = $1', [topics.incidents]), versions, 'one outbox row per version');
    const received = await readTopic(topics.incidents, (values) => new Set(values.map((v) => (v.value as IncidentEvent).eventId)).size >= versions, 120_000);
    const distinct = new Map(received.map((v) => [(v.value as IncidentEvent).eventId, v.value as IncidentEvent]));
    assert.equal(distinct.size, versions, 'every change announced, none invented');
    for (const incident of perIncident) {
      const announced = [...distinct.values()].filter((e) => e.incident.incidentId === incident.incident_id);
      assert.deepEqual(announced.map((e) => e.version), Array.from({ length: incident.version }, (_, i) => i + 1), 'versions arrive in order without a gap');
      assert.equal(announced.at(-1)!.incident.sightings, sightingsEach, 'the last announcement carries every sighting');
      assert.ok(incident.version >= 2, 'both cameras are announced');
    }
  };

  it('loses nothing and doubles nothing when killed with SIGKILL in the middle of a batch and restarted', async () => {
    const { topics, pool, start } = await setUp();
    const places = problems(24, { lat: 52.45, lon: 13.3 });
    const events = Array.from({ length: 8 }, (_, w) => wave(places, w)).flat();
    await produceEvents(producer, topics.anomalyEvents, events);
    const first = start();
    await first.running;
    await waitFor('the first transactions committed', async () => (await count(pool, 'SELECT 1 FROM detections')) >= 40, 120_000);
    const { signal } = await stop(first, 'SIGKILL');
    assert.equal(signal, 'SIGKILL');
    const storedAtKill = await count(pool, 'SELECT 1 FROM detections');
    assert.ok(storedAtKill < events.length, `killed part-way (${storedAtKill} of ${events.length} stored)`);
    const second = start();
    await second.running;
    await assertOneIncidentPerProblem(pool, topics, events, places.length);
    const { code } = await stop(second, 'SIGTERM');
    assert.equal(code, 0, 'SIGTERM stops it cleanly');
  });

  it('keeps one incident per problem with two instances and forced rebalances', async () => {
    const { topics, pool, start } = await setUp();
    const places = problems(18, { lat: 52.35, lon: 13.2 });
    const waves = Array.from({ length: 6 }, (_, w) => wave(places, w));
    const a = start();
    await a.running;
    await produceEvents(producer, topics.anomalyEvents, waves[0]!);
    const b = start();
    await b.running;
    await produceEvents(producer, topics.anomalyEvents, waves[1]!);
    await produceEvents(producer, topics.anomalyEvents, waves[2]!);
    assert.equal((await stop(a, 'SIGTERM')).code, 0);
    await produceEvents(producer, topics.anomalyEvents, waves[3]!);
    const a2 = start();
    await a2.running;
    await produceEvents(producer, topics.anomalyEvents, waves[4]!);
    await stop(b, 'SIGKILL');
    await produceEvents(producer, topics.anomalyEvents, waves[5]!);
    const b2 = start();
    await b2.running;
    await assertOneIncidentPerProblem(pool, topics, waves.flat(), places.length);
    const health = await fetch(`http://127.0.0.1:${await b2.running}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(((await health.json()) as { checks: unknown }).checks, { db: 'ok', kafka: 'connected' });
    // Which of the two did the last batches depends on the assignment; between them every metric is there.
    const metrics = (await Promise.all([a2, b2].map(async (p) => (await fetch(`http://127.0.0.1:${await p.running}/metrics`)).text()))).join('\n');
    for (const name of ['gridsight_sp_consumer_lag', 'gridsight_sp_events_per_second', 'gridsight_sp_dedupe_ratio', 'gridsight_sp_batch_seconds_bucket', 'gridsight_sp_records_total', 'gridsight_outbox_published_total', 'gridsight_outbox_backlog']) {
      assert.match(metrics, new RegExp(`^${name}\\{`, 'm'), `${name} is exposed`);
    }
    await Promise.all([stop(a2, 'SIGTERM'), stop(b2, 'SIGTERM')]);
  });

  it('announces sightings held by a processor that was killed, once a new one starts', async () => {
    const { topics, pool, start } = await setUp();
    const place = { lat: 52.25, lon: 13.1 };
    const cam = camera('cam-h', 'gw-h');
    const events = Array.from({ length: 6 }, (_, i) =>
      anomalyEvent({ source: cam, ...place, type: i === 0 ? 'detected' : 'updated', at: new Date(Date.parse('2026-11-28T10:00:00Z') + i * 1000).toISOString() }),
    );
    // A long interval, so that the sightings are certainly still held when the first process dies.
    const first = start({ GRIDSIGHT_SP_SIGHTING_ANNOUNCE_INTERVAL_MS: '600000' });
    await first.running;
    await produceEvents(producer, topics.anomalyEvents, events.slice(0, 1));
    await waitFor('the incident opened', async () => (await count(pool, 'SELECT 1 FROM incidents')) === 1);
    await produceEvents(producer, topics.anomalyEvents, events.slice(1));
    await waitFor('the sightings stored and held', async () => (await count(pool, 'SELECT 1 FROM incidents WHERE sightings = 6 AND held_sightings IS NOT NULL')) === 1);
    await stop(first, 'SIGKILL');
    assert.equal(await count(pool, 'SELECT 1 FROM outbox'), 1, 'only the opening announced before the kill');
    // The new process has a short interval: what the old one held is long due by its clock.
    await pool.query("UPDATE incidents SET announce_due_at = now() - interval '1 second'");
    const second = start({ GRIDSIGHT_SP_SIGHTING_ANNOUNCE_INTERVAL_MS: '500' });
    await second.running;
    await waitFor('the held sightings announced', async () => (await count(pool, 'SELECT 1 FROM incidents WHERE held_sightings IS NULL')) === 1);
    const received = await readTopic(topics.incidents, (values) => values.length >= 2);
    const announced = received.map((v) => v.value as IncidentEvent);
    assert.deepEqual(
      announced.map((e) => [e.change, e.version, e.incident.sightings, e.cause?.eventId]),
      [
        ['opened', 1, 1, events[0]!.eventId],
        ['updated', 2, 6, events[5]!.eventId],
      ],
    );
    assert.equal((await pool.query('SELECT version FROM incidents')).rows[0].version, 2);
    assert.equal((await stop(second, 'SIGTERM')).code, 0);
  });

  it('cell keys of the border problems differ, so those pairs really cross partitions or cells', () => {
    const border = problems(3, { lat: 52.35, lon: 13.2 })[0]!;
    assert.notEqual(geoCellKey(border.a), geoCellKey(border.b));
  });
});
