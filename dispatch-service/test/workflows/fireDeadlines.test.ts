import assert from 'node:assert/strict';
import { fireDueDeadlines } from '../../src/workflows/fireDeadlines.js';
import { handleIncidentEvent } from '../../src/workflows/handleIncidentEvent.js';
import { actOnTicket } from '../../src/workflows/actOnTicket.js';
import { addWorker, auditTrail, createWorld, openIncident, type World } from '../support/world.js';

const MINUTE = 60_000;

describe('durable deadlines (real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
    await addWorker(world.pool, 'w-owner', 'cell-a');
    await addWorker(world.pool, 'w-neighbour', 'cell-b');
  });
  afterEach(async () => world?.close());

  const later = (ms: number) => ({ ...world.deps, clock: () => new Date(world.now.value.getTime() + ms) });

  it('reassigns a ticket not accepted in time to the next worker, exactly once across two racing schedulers', async () => {
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created');
    assert.deepEqual(await fireDueDeadlines(later(9 * MINUTE)), { reassigned: 0, escalated: 0, assigned: 0 }, 'nothing is due before the 10-minute accept window ends');

    const [a, b] = await Promise.all([fireDueDeadlines(later(11 * MINUTE)), fireDueDeadlines(later(11 * MINUTE))]);
    assert.equal(a.reassigned + b.reassigned, 1);
    const { rows } = await world.pool.query('SELECT assignee_id, status FROM tickets WHERE ticket_id = $1', [created.ticketId]);
    assert.deepEqual(rows[0], { assignee_id: 'w-neighbour', status: 'assigned' });
    assert.deepEqual(await auditTrail(world.pool, created.ticketId), ['created:new:system', 'assigned:assigned:system', 'reassigned:assigned:system']);
  });

  it('escalates to the cell supervisor when nobody else can take an unaccepted ticket, and then stays quiet', async () => {
    await world.pool.query(`DELETE FROM worker_shifts WHERE worker_id = 'w-neighbour'`);
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created');
    assert.deepEqual(await fireDueDeadlines(later(11 * MINUTE)), { reassigned: 0, escalated: 1, assigned: 0 });
    assert.deepEqual(await fireDueDeadlines(later(12 * MINUTE)), { reassigned: 0, escalated: 0, assigned: 0 });
    const { rows } = await world.pool.query('SELECT assignee_id, escalated, escalated_to, accept_by FROM tickets WHERE ticket_id = $1', [created.ticketId]);
    assert.deepEqual(rows[0], { assignee_id: 'w-owner', escalated: true, escalated_to: 's-1', accept_by: null });
  });

  it('escalates an accepted ticket on SLA breach once, whichever scheduler gets there first', async () => {
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created');
    await actOnTicket(world.deps, created.ticketId, { type: 'worker', id: 'w-owner' }, { transition: 'accepted' }, String);
    const runs = await Promise.all([fireDueDeadlines(later(121 * MINUTE)), fireDueDeadlines(later(121 * MINUTE)), fireDueDeadlines(later(122 * MINUTE))]);
    assert.equal(runs.reduce((n, r) => n + r.escalated, 0), 1);
    assert.deepEqual((await auditTrail(world.pool, created.ticketId)).at(-1), 'escalated:accepted:system');
  });

  it('assigns a waiting ticket once someone comes on duty', async () => {
    await world.pool.query('DELETE FROM worker_shifts');
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool, { kind: 'garbage_pile' }));
    assert.ok(created.kind === 'created');
    assert.equal(created.assigneeId, null);
    assert.deepEqual(await fireDueDeadlines(later(MINUTE)), { reassigned: 0, escalated: 0, assigned: 0 });
    await addWorker(world.pool, 'w-late', 'cell-a');
    assert.deepEqual(await fireDueDeadlines(later(2 * MINUTE)), { reassigned: 0, escalated: 0, assigned: 1 });
  });
});
