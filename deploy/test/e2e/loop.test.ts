import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { issueGatewaySecrets } from '../../src/run/demoSetup.js';
import { pipelineUrls } from '../../src/run/pipeline.js';
import { buildDistrict } from '../../src/seed/district.js';
import { createRandom } from '../../src/seed/random.js';
import { sighting, tracksFor, type Track } from '../../src/sim/scenario.js';
import { connectSimulatedGateway, type SimulatedGateway } from '../../src/sim/simulatedGateway.js';
import { logTail } from '../../src/stack/logTail.js';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { onDutyInQh01, startE2eWorld, waitFor, type E2eWorld } from './support/e2eWorld.js';

describe('the whole loop: gateways → broker → Kafka → stream-processor → dispatch → worker → verification', function () {
  this.timeout(180_000);
  this.bail(true);
  const district = buildDistrict();
  const random = createRandom(42);
  let world: E2eWorld;
  const gateways = new Map<string, SimulatedGateway>();
  let tracks: Track[];

  const report = async (which: Track[], type: 'detected' | 'updated' | 'cleared') => {
    for (const track of which) await gateways.get(track.source.gatewayId)!.publish(sighting(track, type, Date.now(), random));
  };

  before(async () => {
    world = await startE2eWorld({ name: 'e2e', district, signIns: [{ id: onDutyInQh01(), role: 'worker' }, { id: 'sup-qh', role: 'supervisor' }] });
    const credentials = await issueGatewaySecrets({ postgresUrl: world.database.url, repoRoot }, ['gw-qh-01', 'gw-qh-02']);
    for (const credential of credentials) gateways.set(credential.gatewayId, await connectSimulatedGateway(pipelineUrls(world.ports).mqtt, credential));
    // Consumers join their groups just after /health turns green; give the first rebalance a moment.
    await sleep(3000);
  });

  afterEach(async function () {
    // A failure here spans four processes; their logs say where the loop broke.
    if (this.currentTest?.state !== 'failed') return;
    for (const service of world?.pipeline.services ?? []) console.error(`--- ${service.name} (last lines)\n${await logTail(service.logFile, { lines: 25 })}`);
  });

  after(async () => {
    await Promise.all([...gateways.values()].map((g) => g.close().catch(() => undefined)));
    await world?.close();
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
      const { rows } = await world.db.query<{ incident_id: string; sources: unknown[]; cell_id: string }>("SELECT incident_id, sources, cell_id FROM incidents WHERE kind = 'garbage_pile'");
      return rows.length === 1 && rows[0]!.sources.length === 3 ? rows[0] : undefined;
    });
    firstIncident = incident.incident_id;
    assert.equal(incident.cell_id, 'QH-01');
    const [ticket] = await waitFor('an assigned ticket', async () => {
      const rows = await world.ticketsOf(firstIncident);
      return rows[0]?.status === 'assigned' ? rows : undefined;
    });
    assert.equal(ticket!.assignee_id, onDutyInQh01());
    assert.equal((await world.db.query("SELECT 1 FROM incidents WHERE kind = 'garbage_pile'")).rowCount, 1);
    assert.equal((await world.db.query('SELECT 1 FROM tickets')).rowCount, 1);
  });

  it('verifies the resolved ticket automatically when the camera that raised it reports cleared', async () => {
    const [ticket] = await world.ticketsOf(firstIncident);
    const token = await world.signIn(onDutyInQh01());
    await world.api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'accept' }) });
    await world.api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'start' }) });
    // The worker's photo of the cleaned pavement.
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 120, b: 115 } } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'fixed.jpg');
    const { photoId } = await world.api<{ photoId: string }>(`/tickets/${ticket!.ticket_id}/photos`, { method: 'POST', token, body: form });
    await world.api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'resolve', photoId, note: '已清理 cleared' }) });
    // The dispatch service ignores sightings right after a resolution (its reopen grace); the pile is gone, so the cameras say cleared.
    await report(tracks, 'cleared');
    const verified = await waitFor('the ticket verified', async () => {
      const rows = await world.ticketsOf(firstIncident);
      return ['verified', 'closed'].includes(rows[0]?.status ?? '') ? rows[0] : undefined;
    });
    const trail = await world.db.query<{ transition: string; actor_type: string }>('SELECT transition, actor_type FROM ticket_events WHERE ticket_id = $1 ORDER BY seq', [verified.ticket_id]);
    assert.deepEqual(
      trail.rows.map((r) => r.transition).slice(0, 6),
      ['created', 'assigned', 'accepted', 'started', 'resolved', 'verified'],
    );
    assert.ok(trail.rows.some((r) => r.transition === 'verified' && r.actor_type !== 'supervisor'), 'verified by the camera, not a person');
  });

  it('opens a new incident linked to the old one when the problem comes back after it was closed', async () => {
    await waitFor('the first incident closed', async () => {
      const { rows } = await world.db.query<{ status: string }>('SELECT status FROM incidents WHERE incident_id = $1', [firstIncident]);
      return rows[0]?.status === 'closed' ? true : undefined;
    });
    const again = tracksFor({ kind: 'garbage_pile', location: tracks[0]!.location, seenBy: [tracks[0]!.source] }, random);
    await report(again, 'detected');
    const repeat = await waitFor('a repeat incident', async () => {
      const { rows } = await world.db.query<{ incident_id: string; previous_incident_id: string | null }>(
        "SELECT incident_id, previous_incident_id FROM incidents WHERE kind = 'garbage_pile' AND incident_id <> $1",
        [firstIncident],
      );
      return rows[0];
    });
    assert.equal(repeat.previous_incident_id, firstIncident);
    const [ticket] = await waitFor('a ticket for the repeat', async () => {
      const rows = await world.ticketsOf(repeat.incident_id);
      return rows[0]?.status === 'assigned' ? rows : undefined;
    });
    assert.equal(ticket!.assignee_id, onDutyInQh01());
  });
});
