import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { startDemoGateway, type DemoGateway } from '../../src/run/demoGateway.js';
import { issueGatewaySecrets } from '../../src/run/demoSetup.js';
import { pipelineUrls } from '../../src/run/pipeline.js';
import { buildDistrict } from '../../src/seed/district.js';
import { distanceMetres, type DemoProblem } from '../../src/sim/demoStreet.js';
import { logTail } from '../../src/stack/logTail.js';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { uniqueName } from '../../src/testing/index.js';
import { onDutyInQh01, startE2eWorld, waitFor as waitUntil, type E2eWorld } from './support/e2eWorld.js';

interface IncidentRow {
  incident_id: string;
  status: string;
  cell_id: string;
  lat: number;
  lon: number;
  previous_incident_id: string | null;
  sources: { gatewayId: string; deviceId: string }[];
}

// The demo street as `npm start` runs it, but every frame goes through a real edge agent process:
// folder cameras replaying curated held-out scenes → the shipped model → tracker → MQTT → broker → Kafka.
describe('frames at a gateway: the demo street edge agent → broker → Kafka → stream-processor → dispatch', function () {
  this.timeout(240_000);
  this.bail(true);
  const district = buildDistrict();
  const cell = district.cells.find((c) => c.cellId === 'QH-01')!;
  // A gateway of this run alone: other suites publish for the district's own gateways on the shared topic.
  const gatewayId = uniqueName('gw-e2e').slice(0, 40);
  let world: E2eWorld;
  let gateway: DemoGateway;
  // The agent takes its time on a loaded machine: load the model, confirm over several frames.
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) => waitUntil(what, probe, 120_000, 500);

  const problem = (id: string): DemoProblem => gateway.street.problems.find((p) => p.id === id)!;
  // Incidents this run's gateway fed, with its cameras among their sources.
  const incidentsOf = async (p: DemoProblem): Promise<IncidentRow[]> =>
    (
      await world.db.query<IncidentRow>('SELECT incident_id, status, cell_id, lat, lon, previous_incident_id, sources FROM incidents WHERE kind = $1 ORDER BY created_at', [p.kind])
    ).rows.filter((i) => i.sources.some((s) => s.gatewayId === gatewayId && p.cameraIds.includes(s.deviceId)));
  const assignedTicket = async (incidentId: string) =>
    (await waitFor('an assigned ticket', async () => {
      const rows = await world.ticketsOf(incidentId);
      return rows[0]?.status === 'assigned' ? rows : undefined;
    }))[0]!;

  before(async () => {
    world = await startE2eWorld({ name: 'e2e-edge', district, signIns: [{ id: onDutyInQh01(), role: 'worker' }], extraPorts: 1 });
    const [credentials] = await issueGatewaySecrets({ postgresUrl: world.database.url, repoRoot }, [gatewayId], 'provision');
    // Consumers join their groups just after /health turns green; the agent takes longer than that to load its model.
    gateway = await startDemoGateway({
      repoRoot,
      dataRoot: world.dataRoot,
      postgresUrl: world.database.url,
      brokerUrl: pipelineUrls(world.ports).mqtt,
      opsPort: world.extraPorts[0]!,
      cell,
      credentials: credentials!,
      clearAfterMs: 5000,
      // Long enough for the verified incident to be closed first, so the pile's return is a new incident.
      reappearAfterMs: 30_000,
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const service of [...(world?.pipeline.services ?? []), ...(gateway ? [gateway.agent] : [])]) {
      console.error(`--- ${service.name} (last lines)\n${await logTail(service.logFile, { lines: 25 })}`);
    }
  });

  after(async () => {
    await gateway?.stop();
    await world?.close();
  });

  it('runs the agent from its generated config: healthy, five posed folder cameras, the shipped model', async () => {
    const config = JSON.parse(await readFile(gateway.configFile, 'utf8')) as { cameras: { source: { type: string }; pose?: unknown }[]; ops: { port: number } };
    assert.equal(config.cameras.length, 5);
    assert.ok(config.cameras.every((c) => c.source.type === 'folder' && c.pose));
    const health = await waitFor('the agent connected to the broker', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${config.ops.port}/health`)).json()) as { checks: { mqtt: string; cameras: { state: string }[] } };
      return body.checks.mqtt === 'connected' ? body : undefined;
    });
    assert.deepEqual(health.checks.cameras.map((c) => c.state), ['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('turns an open manhole and a garbage pile, each seen by one camera, into one ticket each for the on-duty owner of the cell', async () => {
    for (const id of ['manhole-school', 'pile-market']) {
      const p = problem(id);
      const [incident] = await waitFor(`an incident for ${id}`, async () => {
        const rows = await incidentsOf(p);
        return rows.length > 0 ? rows : undefined;
      });
      assert.equal(incident!.cell_id, 'QH-01');
      // The agent located it from the camera's pose and the box's foot point: where the street put it.
      const off = distanceMetres(p.location, { lat: incident!.lat, lon: incident!.lon });
      assert.ok(off < 3, `${id} located ${off.toFixed(1)} m from where it is`);
      const ticket = await assignedTicket(incident!.incident_id);
      assert.equal(ticket.assignee_id, onDutyInQh01());
      assert.equal((await incidentsOf(p)).length, 1, `one incident for ${id}`);
    }
  });

  let pile: IncidentRow;

  it('turns three cameras seeing one pile into one incident with all three as sources and one ticket', async () => {
    const p = problem('pile-riverside');
    pile = await waitFor('one incident seen by all three cameras', async () => {
      const rows = await incidentsOf(p);
      const mine = rows[0]?.sources.filter((s) => s.gatewayId === gatewayId).map((s) => s.deviceId).sort();
      return rows.length === 1 && JSON.stringify(mine) === JSON.stringify(p.cameraIds) ? rows[0] : undefined;
    });
    const ticket = await assignedTicket(pile.incident_id);
    assert.equal(ticket.assignee_id, onDutyInQh01());
    // The cameras keep confirming it; still one incident, one ticket.
    await sleep(5000);
    assert.equal((await incidentsOf(p)).length, 1);
    assert.equal((await world.ticketsOf(pile.incident_id)).length, 1);
  });

  it('verifies the resolved ticket when the cameras no longer see the pile', async () => {
    const [ticket] = await world.ticketsOf(pile.incident_id);
    const token = await world.signIn(onDutyInQh01());
    for (const action of ['accept', 'start']) await world.api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action }) });
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 120, b: 115 } } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'fixed.jpg');
    const { photoId } = await world.api<{ photoId: string }>(`/tickets/${ticket!.ticket_id}/photos`, { method: 'POST', token, body: form });
    await world.api(`/tickets/${ticket!.ticket_id}/actions`, { method: 'POST', token, body: JSON.stringify({ action: 'resolve', photoId, note: '已清理 cleared' }) });
    // The street swaps its cameras to a clear frame; the agent reports `cleared` once the pile is unseen for clearAfterMs.
    await waitFor('the ticket verified by a camera', async () => {
      const rows = await world.ticketsOf(pile.incident_id);
      return ['verified', 'closed'].includes(rows[0]?.status ?? '') ? rows[0] : undefined;
    });
    const trail = await world.db.query<{ transition: string; actor_type: string }>('SELECT transition, actor_type FROM ticket_events WHERE ticket_id = $1 ORDER BY seq', [ticket!.ticket_id]);
    assert.ok(trail.rows.some((r) => r.transition === 'verified' && r.actor_type === 'camera'), JSON.stringify(trail.rows));
  });

  it('opens a new incident linked to the old one when the pile comes back', async () => {
    const p = problem('pile-riverside');
    const repeat = await waitFor('a repeat incident', async () => (await incidentsOf(p)).find((i) => i.incident_id !== pile.incident_id));
    assert.equal(repeat.previous_incident_id, pile.incident_id);
    const ticket = await assignedTicket(repeat.incident_id);
    assert.equal(ticket.assignee_id, onDutyInQh01());
  });
});
