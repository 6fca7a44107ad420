import assert from 'node:assert/strict';
import { upsertPerson } from '../../../src/adapters/db/adminStore.js';
import { handleIncidentEvent } from '../../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, multipartBody, type ApiWorld } from '../../support/api.js';
import { openIncident } from '../../support/world.js';

describe('supervisors act only on tickets of the cells they supervise (fastify.inject, real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: ApiWorld;
  let ticketInA: string;
  let ticketInB: string;
  let asS2: { authorization: string };

  before(async () => {
    world = await createApiWorld();
    // s-1 keeps cell-a; cell-b gets a supervisor of its own.
    await upsertPerson(world.pool, { workerId: 's-2', displayName: 'Supervisor Two', role: 'supervisor', passwordHash: null });
    await world.pool.query("UPDATE grid_cells SET supervisor_id = 's-2' WHERE cell_id = 'cell-b'");
    const a = await handleIncidentEvent(world.deps, await openIncident(world.pool, { lat: 31.235, lon: 121.475 }));
    const b = await handleIncidentEvent(world.deps, await openIncident(world.pool, { lat: 31.235, lon: 121.485 }));
    assert.ok(a.kind === 'created' && b.kind === 'created');
    [ticketInA, ticketInB] = [a.ticketId, b.ticketId];
    asS2 = await world.as('s-2');
  });
  after(async () => world?.close());

  const listed = async (headers: Record<string, string>, query = '') => {
    const response = await world.app.inject({ method: 'GET', url: `/api/v1/tickets${query}`, headers });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().tickets.map((t: { ticketId: string }) => t.ticketId);
  };

  it('lists for each supervisor only the tickets of their own cells, and for ops all of them', async () => {
    assert.deepEqual(await listed(await world.as('s-1')), [ticketInA]);
    assert.deepEqual(await listed(asS2), [ticketInB]);
    assert.deepEqual((await listed(await world.as('ops-1'))).sort(), [ticketInA, ticketInB].sort());
    assert.deepEqual(await listed(asS2, '?assigneeId=w-a'), [], "another cell's worker yields nothing, not their tickets");
  });

  it("refuses a supervisor reading or acting on another supervisor's cell with 403 naming the cell, in both directions", async () => {
    const photo = multipartBody('p.png', 'image/png', Buffer.from('not even a png'));
    for (const [headers, foreign, cell] of [
      [await world.as('s-1'), ticketInB, 'cell-b'],
      [asS2, ticketInA, 'cell-a'],
    ] as const) {
      for (const request of [
        { method: 'GET' as const, url: `/api/v1/tickets/${foreign}` },
        { method: 'GET' as const, url: `/api/v1/tickets/${foreign}/events` },
        { method: 'POST' as const, url: `/api/v1/tickets/${foreign}/actions`, payload: { action: 'escalate' } },
        { method: 'POST' as const, url: `/api/v1/tickets/${foreign}/actions`, payload: { action: 'reassign', assigneeId: 'w-a' } },
        { method: 'POST' as const, url: `/api/v1/tickets/${foreign}/photos`, payload: photo.payload, extra: photo.headers },
        { method: 'GET' as const, url: `/api/v1/tickets?cellId=${cell}` },
      ]) {
        const { extra, ...rest } = request as typeof request & { extra?: Record<string, string> };
        const response = await world.app.inject({ ...rest, headers: { ...headers, ...extra } });
        assert.equal(response.statusCode, 403, `${request.method} ${request.url}: ${response.body}`);
        assert.equal(response.json().error, 'DSP_FORBIDDEN');
        assert.match(response.json().message, new RegExp(`${cell}.*(do not supervise)|do not supervise cell ${cell}`));
      }
    }
    const { rows } = await world.pool.query('SELECT ticket_id, version FROM tickets ORDER BY ticket_id');
    assert.ok(rows.every((r: { version: number }) => r.version === 2), 'neither ticket moved past created + assigned');
  });

  it('lets each supervisor act on their own cell, and ops on any cell', async () => {
    const act = async (headers: Record<string, string>, ticketId: string, payload: object) =>
      world.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/actions`, headers, payload });
    const own = await act(await world.as('s-1'), ticketInA, { action: 'escalate' });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().escalatedTo, 's-1');
    const ownB = await act(asS2, ticketInB, { action: 'escalate' });
    assert.equal(ownB.statusCode, 200, ownB.body);
    assert.equal(ownB.json().escalatedTo, 's-2');
    const byOps = await act(await world.as('ops-1'), ticketInB, { action: 'reassign', assigneeId: 'w-a' });
    assert.equal(byOps.statusCode, 200, byOps.body);
    assert.equal((await world.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketInA}/events`, headers: await world.as('s-1') })).statusCode, 200);
  });
});
