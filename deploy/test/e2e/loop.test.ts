import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import sharp from 'sharp';
import { ensureTopics } from '../../src/kafka/ensureTopics.js';
import { issueGatewaySecrets, issueSignIns } from '../../src/run/demoSetup.js';
import { pipelineUrls, startPipeline, type Pipeline, type PipelinePorts } from '../../src/run/pipeline.js';
import { buildDistrict } from '../../src/seed/district.js';
import { createRandom } from '../../src/seed/random.js';
import { writeSeed } from '../../src/seed/writeSeed.js';
import { sighting, tracksFor, type Track } from '../../src/sim/scenario.js';
import { connectSimulatedGateway, type SimulatedGateway } from '../../src/sim/simulatedGateway.js';
import { logTail } from '../../src/stack/logTail.js';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { createTestDatabase, freePorts, testRedisUrl, testServices, uniqueName, type TestDatabase } from '../../src/testing/index.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

// The roster of the seeded district, in its local time (UTC+8): who owns QH-01 right now.
function onDutyInQh01(): string {
  const hour = (new Date().getUTCHours() + 8) % 24;
  return hour >= 7 && hour < 15 ? 'w-qh-01-d' : hour >= 15 && hour < 23 ? 'w-qh-01-e' : 'w-qh-night';
}

describe('the whole loop: gateways → broker → Kafka → stream-processor → dispatch → worker → verification', function () {
  this.timeout(180_000);
  this.bail(true);
  const district = buildDistrict();
  const random = createRandom(42);
  const password = 'e2e-password-long-enough';
  let database: TestDatabase;
  let db: pg.Client;
  let pipeline: Pipeline;
  let ports: PipelinePorts;
  let dataRoot: string;
  const gateways = new Map<string, SimulatedGateway>();
  let tracks: Track[];
  const incidentsTopic = uniqueName('e2e-incidents');
  const ticketEventsTopic = uniqueName('e2e-ticket-events');

  const report = async (which: Track[], type: 'detected' | 'updated' | 'cleared') => {
    for (const track of which) await gateways.get(track.source.gatewayId)!.publish(sighting(track, type, Date.now(), random));
  };
  const api = async <T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    const response = await fetch(`http://127.0.0.1:${ports.http}/api/v1${path}`, { ...init, headers });
    const body = (await response.json()) as T;
    assert.ok(response.ok, `${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const signIn = async (username: string) => (await api<{ token: string }>('/auth/token', { method: 'POST', body: JSON.stringify({ username, password }) })).token;
  const ticketOf = async (incidentId: string) =>
    (await db.query<{ ticket_id: string; status: string; assignee_id: string | null }>('SELECT ticket_id, status, assignee_id FROM tickets WHERE incident_id = $1', [incidentId])).rows;

  before(async () => {
    const services = testServices();
    // Incidents and ticket events on topics of this run alone: dispatch reads a new group from the
    // beginning, and other suites' incidents belong to other databases.
    const admin = new Kafka({ clientId: 'gs-e2e', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await ensureTopics(admin);
    await admin.createTopics({ waitForLeaders: true, topics: [incidentsTopic, ticketEventsTopic].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) });
    await admin.disconnect();

    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await writeSeed(db, district, { incidents: [], detections: [], tickets: [], ticketEvents: [] }, { replace: false });
    const access = { postgresUrl: database.url, repoRoot };
    await issueSignIns(access, district, [{ id: onDutyInQh01(), role: 'worker' }, { id: 'sup-qh', role: 'supervisor' }], password);
    const credentials = await issueGatewaySecrets(access, ['gw-qh-01', 'gw-qh-02']);

    const [mqtt, mqttWebSocket, http, brokerOps, streamProcessorOps, dispatchOps] = await freePorts(6);
    ports = { mqtt: mqtt!, mqttWebSocket: mqttWebSocket!, http: http!, brokerOps: brokerOps!, streamProcessorOps: streamProcessorOps!, dispatchOps: dispatchOps! };
    dataRoot = await mkdtemp(join(tmpdir(), 'gs-e2e-'));
    pipeline = await startPipeline(
      { postgresUrl: database.url, kafkaBrokers: services.kafkaBrokers, redisUrl: testRedisUrl() },
      {
        repoRoot,
        dataRoot,
        ports,
        // Its own consumer groups; anomaly events from now on, since other suites publish on that topic too.
        env: {
          GRIDSIGHT_SP_GROUP_ID: uniqueName('e2e-sp'),
          GRIDSIGHT_SP_FROM_BEGINNING: 'false',
          GRIDSIGHT_SP_TOPIC_INCIDENTS: incidentsTopic,
          GRIDSIGHT_SP_TOPIC_TICKET_EVENTS: ticketEventsTopic,
          GRIDSIGHT_DISPATCH_KAFKA_GROUP: uniqueName('e2e-dispatch'),
          GRIDSIGHT_DISPATCH_INCIDENTS_TOPIC: incidentsTopic,
          GRIDSIGHT_DISPATCH_TICKET_EVENTS_TOPIC: ticketEventsTopic,
          GRIDSIGHT_LOG_LEVEL: 'warn',
        },
      },
    );
    for (const credential of credentials) gateways.set(credential.gatewayId, await connectSimulatedGateway(pipelineUrls(ports).mqtt, credential));
    // Consumers join their groups just after /health turns green; give the first rebalance a moment.
    await sleep(3000);
  });

  afterEach(async function () {
    // A failure here spans four processes; their logs say where the loop broke.
    if (this.currentTest?.state !== 'failed') return;
    for (const service of pipeline?.services ?? []) console.error(`--- ${service.name} (last lines)\n${await logTail(service.logFile, { lines: 25 })}`);
  });

  after(async () => {
    await Promise.all([...gateways.values()].map((g) => g.close().catch(() => undefined)));
    await pipeline?.stop();
    await db?.end();
    await database?.drop();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  });

  let firstIncident: string;

  it('turns three cameras on two poles seeing one pile into one incident and one ticket for the on-duty owner of the cell', async () => {
    const qh01 = district.cells.find((c) => c.cellId === 'QH-01')!;
    // Three metres inside QH-01's east edge, where the next pole's camera sees it too.
    const location = { lat: (qh01.minLat + qh01.maxLat) / 2, lon: qh01.maxLon - 0.00003 };
    tracks = tracksFor(
      {
        kind: 'garbage_pile',
        location,
        seenBy: [
          { type: 'camera', gatewayId: 'gw-qh-01', deviceId: 'cam-1' },
          { type: 'camera', gatewayId: 'gw-qh-01', deviceId: 'cam-2' },
          { type: 'camera', gatewayId: 'gw-qh-02', deviceId: 'cam-1' },
        ],
      },
      random,
    );
    await report(tracks, 'detected');
    const incident = await waitFor('one incident with three sources', async () => {
      const { rows } = await db.query<{ incident_id: string; sources: unknown[]; cell_id: string }>("SELECT incident_id, sources, cell_id FROM incidents WHERE kind = 'garbage_pile'");
      return rows.length === 1 && rows[0]!.sources.length === 3 ? rows[0] : undefined;
    });
    firstIncident = incident.incident_id;
    assert.equal(incident.cell_id, 'QH-01');
    const [ticket] = await waitFor('an assigned ticket', async () => {
      const rows = await ticketOf(firstIncident);
      return rows[0]?.status === 'assigned' ? rows : undefined;
    });
    assert.equal(ticket!.assignee_id, onDutyInQh01());
    assert.equal((await db.query("SELECT 1 FROM incidents WHERE kind = 'garbage_pile'")).rowCount, 1);
    assert.equal((await db.query('SELECT 1 FROM tickets')).rowCount, 1);
  });

  it('verifies the resolved ticket automatically when the camera that raised it reports cleared', async () => {
    const [ticket] = await ticketOf(firstIncident);
    const token = await signIn(onDutyInQh01());
    await api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'accept' }) });
    await api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'start' }) });
    // The worker's photo of the cleaned pavement.
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 120, b: 115 } } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'fixed.jpg');
    const { photoId } = await api<{ photoId: string }>(`/tickets/${ticket!.ticket_id}/photos`, { method: 'POST', token, body: form });
    await api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'resolve', photoId, note: '已清理 cleared' }) });
    // The dispatch service ignores sightings right after a resolution (its reopen grace); the pile is gone, so the cameras say cleared.
    await report(tracks, 'cleared');
    const verified = await waitFor('the ticket verified', async () => {
      const rows = await ticketOf(firstIncident);
      return ['verified', 'closed'].includes(rows[0]?.status ?? '') ? rows[0] : undefined;
    });
    const trail = await db.query<{ transition: string; actor_type: string }>('SELECT transition, actor_type FROM ticket_events WHERE ticket_id = $1 ORDER BY seq', [verified.ticket_id]);
    assert.deepEqual(
      trail.rows.map((r) => r.transition).slice(0, 6),
      ['created', 'assigned', 'accepted', 'started', 'resolved', 'verified'],
    );
    assert.ok(trail.rows.some((r) => r.transition === 'verified' && r.actor_type !== 'supervisor'), 'verified by the camera, not a person');
  });

  it('opens a new incident linked to the old one when the problem comes back after it was closed', async () => {
    await waitFor('the first incident closed', async () => {
      const { rows } = await db.query<{ status: string }>('SELECT status FROM incidents WHERE incident_id = $1', [firstIncident]);
      return rows[0]?.status === 'closed' ? true : undefined;
    });
    const again = tracksFor({ kind: 'garbage_pile', location: tracks[0]!.location, seenBy: [tracks[0]!.source] }, random);
    await report(again, 'detected');
    const repeat = await waitFor('a repeat incident', async () => {
      const { rows } = await db.query<{ incident_id: string; previous_incident_id: string | null }>(
        "SELECT incident_id, previous_incident_id FROM incidents WHERE kind = 'garbage_pile' AND incident_id <> $1",
        [firstIncident],
      );
      return rows[0];
    });
    assert.equal(repeat.previous_incident_id, firstIncident);
    const [ticket] = await waitFor('a ticket for the repeat', async () => {
      const rows = await ticketOf(repeat.incident_id);
      return rows[0]?.status === 'assigned' ? rows : undefined;
    });
    assert.equal(ticket!.assignee_id, onDutyInQh01());
  });
});
