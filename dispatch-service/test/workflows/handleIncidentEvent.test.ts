import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import { ticketEventCodec } from '@gridsight/contracts';
import { actOnTicket } from '../../src/workflows/actOnTicket.js';
import { eventsNeedingNoWork, handleIncidentEvent } from '../../src/workflows/handleIncidentEvent.js';
import { addWorker, auditTrail, camera, createWorld, incidentChange, openIncident, type World } from '../support/world.js';

describe('handling incident events (real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: World;

  before(async () => {
    world = await createWorld();
    await addWorker(world.pool, 'w-owner', 'cell-a');
    await addWorker(world.pool, 'w-neighbour', 'cell-b');
  });
  after(async () => world?.close());

  it('creates one ticket for a new incident, assigned to the on-duty owner of its cell, with audit rows and outbox messages', async () => {
    const opened = await openIncident(world.pool);
    const outcome = await handleIncidentEvent(world.deps, opened);
    assert.equal(outcome.kind, 'created');
    assert.ok(outcome.kind === 'created');
    assert.equal(outcome.assigneeId, 'w-owner');

    const { rows } = await world.pool.query('SELECT * FROM tickets WHERE incident_id = $1', [opened.incident.incidentId]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].priority, 'P1');
    assert.equal(rows[0].cell_id, 'cell-a');
    assert.equal(rows[0].status, 'assigned');
    assert.ok(rows[0].accept_by instanceof Date);
    assert.deepEqual(await auditTrail(world.pool, outcome.ticketId), ['created:new:system', 'assigned:assigned:system']);

    const outbox = await world.pool.query('SELECT topic, message_key, payload FROM outbox WHERE message_key = $1 ORDER BY id', [outcome.ticketId]);
    assert.deepEqual(outbox.rows.map((r) => [r.topic, r.payload.transition, r.payload.seq]), [['ticket-events', 'created', 1], ['ticket-events', 'assigned', 2]]);
    for (const row of outbox.rows) assert.ok(ticketEventCodec.check(row.payload).ok, 'every outbox payload is a valid TicketEvent');
  });

  it('creates no second ticket when the same incident event is replayed, or a later change of it arrives', async () => {
    const opened = await openIncident(world.pool);
    await handleIncidentEvent(world.deps, opened);
    const replayed = await Promise.all([handleIncidentEvent(world.deps, opened), handleIncidentEvent(world.deps, opened), handleIncidentEvent(world.deps, incidentChange(opened, 'updated', new Date()))]);
    assert.deepEqual(replayed.map((r) => r.kind), ['unchanged', 'unchanged', 'unchanged']);
    const { rows } = await world.pool.query('SELECT count(*)::int AS n FROM tickets WHERE incident_id = $1', [opened.incident.incidentId]);
    assert.equal(rows[0].n, 1);
  });

  it('settles a sighting of a ticket in work with a plain read, never waiting on the ticket row lock', async () => {
    const opened = await openIncident(world.pool);
    const created = await handleIncidentEvent(world.deps, opened);
    assert.ok(created.kind === 'created');
    const holder = await world.pool.connect();
    try {
      // A worker's action on the ticket, in flight: it holds the row lock.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tickets WHERE ticket_id = $1 FOR UPDATE', [created.ticketId]);
      const sighting = handleIncidentEvent(world.deps, incidentChange(opened, 'updated', new Date()));
      const waited = new Promise<'waited on the lock'>((resolve) => setTimeout(() => resolve('waited on the lock'), 3_000).unref());
      assert.deepEqual(await Promise.race([sighting, waited]), { kind: 'unchanged' });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('sets aside, in one read for a whole batch, the sightings of tickets in work, and nothing a ticket could act on', async () => {
    const inWork = await openIncident(world.pool);
    await handleIncidentEvent(world.deps, inWork);
    const resolvedId = await resolvedTicket();
    const resolved = await incidentOf(resolvedId);
    const later = new Date(world.now.value.getTime() + 60_000);
    const sighting = incidentChange(inWork, 'updated', later);
    const sightingOfResolved = incidentChange(resolved, 'updated', later);
    const opened = await openIncident(world.pool);
    const noWork = await eventsNeedingNoWork(world.deps, [sighting, sightingOfResolved, opened, incidentChange(inWork, 'cleared', later)]);
    assert.deepEqual([...noWork], [sighting]);
  });

  it('creates exactly one ticket when two instances race on the same new incident', async () => {
    const opened = await openIncident(world.pool);
    const outcomes = await Promise.all([handleIncidentEvent(world.deps, opened), handleIncidentEvent(world.deps, opened)]);
    assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['created', 'unchanged']);
    const { rows } = await world.pool.query('SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t USING (ticket_id) WHERE t.incident_id = $1', [opened.incident.incidentId]);
    assert.equal(rows[0].n, 2, 'one created and one assigned row, not four');
  });

  it('verifies a resolved ticket when the raising camera reports the problem cleared, and a replay does nothing more', async () => {
    const ticketId = await resolvedTicket();
    const cleared = incidentChange(await incidentOf(ticketId), 'cleared', new Date(world.now.value.getTime() + 5_000));
    assert.deepEqual(await handleIncidentEvent(world.deps, cleared), { kind: 'transitioned', ticketId, transition: 'verified' });
    assert.deepEqual(await handleIncidentEvent(world.deps, cleared), { kind: 'unchanged', ticketId });
    const trail = await auditTrail(world.pool, ticketId);
    assert.equal(trail.at(-1), 'verified:verified:camera');
  });

  it('reopens a resolved ticket when the raising camera still sees the problem after the grace period', async () => {
    const ticketId = await resolvedTicket();
    const opened = await incidentOf(ticketId);
    const tooSoon = incidentChange(opened, 'updated', new Date(world.now.value.getTime() + 30_000));
    assert.equal((await handleIncidentEvent(world.deps, tooSoon)).kind, 'unchanged');
    const stillThere = incidentChange(opened, 'updated', new Date(world.now.value.getTime() + 5 * 60_000));
    assert.equal((await handleIncidentEvent(world.deps, stillThere)).kind, 'transitioned');
    const { rows } = await world.pool.query('SELECT status, assignee_id, reopen_count FROM tickets WHERE ticket_id = $1', [ticketId]);
    assert.deepEqual(rows[0], { status: 'assigned', assignee_id: 'w-owner', reopen_count: 1 });
  });

  it('creates no ticket when catching up on an incident that has closed since', async () => {
    const opened = await openIncident(world.pool);
    await world.pool.query("UPDATE incidents SET status = 'closed', closed_at = now() WHERE incident_id = $1", [opened.incident.incidentId]);
    assert.deepEqual(await handleIncidentEvent(world.deps, opened), { kind: 'unchanged' });
    const { rows } = await world.pool.query('SELECT count(*)::int AS n FROM tickets WHERE incident_id = $1', [opened.incident.incidentId]);
    assert.equal(rows[0].n, 0);
  });

  it('reports an incident missing from the database as a retriable error rather than dropping it', async () => {
    const opened = await openIncident(world.pool);
    const foreign = { ...opened, incident: { ...opened.incident, incidentId: '0193a000-0000-7000-8000-0000000000ff' } };
    await assert.rejects(handleIncidentEvent(world.deps, foreign), (e: unknown) => (e as { code: string; retriable: boolean }).code === 'DSP_MISSING_REFERENCE' && (e as { retriable: boolean }).retriable);
  });

  const incidents = new Map<string, Awaited<ReturnType<typeof openIncident>>>();
  async function incidentOf(ticketId: string) {
    return incidents.get(ticketId)!;
  }
  async function resolvedTicket(): Promise<string> {
    const opened = await openIncident(world.pool);
    const created = await handleIncidentEvent(world.deps, opened);
    assert.ok(created.kind === 'created');
    const worker = { type: 'worker' as const, id: 'w-owner' };
    await actOnTicket(world.deps, created.ticketId, worker, { transition: 'accepted' }, (id) => `/p/${id}`);
    await actOnTicket(world.deps, created.ticketId, worker, { transition: 'started' }, (id) => `/p/${id}`);
    const photoId = uuidv7();
    await world.pool.query(`INSERT INTO ticket_photos (photo_id, ticket_id, uploaded_by, content_type, width, height, bytes) VALUES ($1, $2, 'w-owner', 'image/jpeg', 1, 1, '\\x00')`, [photoId, created.ticketId]);
    await actOnTicket(world.deps, created.ticketId, worker, { transition: 'resolved', photoId, note: 'lid replaced' }, (id) => `/p/${id}`);
    incidents.set(created.ticketId, opened);
    assert.equal(camera.deviceId, opened.incident.raisedBy.deviceId);
    return created.ticketId;
  }
});
