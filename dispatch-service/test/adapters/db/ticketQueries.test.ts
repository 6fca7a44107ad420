import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@gridsight/deploy/testing';
import pg from 'pg';
import { listTickets, listTicketsQuery, type TicketFilter } from '../../../src/adapters/db/ticketQueries.js';

const OPEN_FOR_WORKER = ['assigned', 'accepted', 'in_progress', 'resolved'] as const;
const OPEN_FOR_STAFF = ['new', ...OPEN_FOR_WORKER] as const;

describe('ticket lists (real PostgreSQL)', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let pool: pg.Pool;

  // A district some months on: 8 000 tickets, nearly all finished, a few open per person.
  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    await pool.query(`INSERT INTO workers (worker_id, display_name, role) VALUES ('s-1', 'S1', 'supervisor'), ('s-2', 'S2', 'supervisor')`);
    await pool.query(`INSERT INTO grid_cells (cell_id, district, name, boundary, min_lat, min_lon, max_lat, max_lon, supervisor_id)
      SELECT 'cell-' || g, 'D', 'cell ' || g, '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}', 0, 0, 1, 1, CASE WHEN g <= 5 THEN 's-1' ELSE 's-2' END FROM generate_series(1, 10) g`);
    await pool.query(`INSERT INTO workers (worker_id, display_name, role, home_cell_id) SELECT 'w-' || g, 'W' || g, 'worker', 'cell-' || (1 + g % 10) FROM generate_series(1, 20) g`);
    await pool.query(`INSERT INTO incidents (incident_id, kind, status, lat, lon, geo_cell, first_seen_at, last_seen_at, sightings, raised_by, sources, max_confidence)
      SELECT gen_random_uuid(), 'garbage_pile', 'closed', 31, 121, 'x', now() - g * interval '1 minute', now(), 1, '{}', '[]', 0.9 FROM generate_series(1, 8000) g`);
    await pool.query(`INSERT INTO tickets (ticket_id, incident_id, kind, priority, status, lat, lon, cell_id, assignee_id, escalated, escalated_to, due_by, created_at)
      SELECT gen_random_uuid(), incident_id, kind, 'P' || (1 + n % 4),
             CASE WHEN n % 50 = 0 THEN (ARRAY['new', 'assigned', 'accepted', 'in_progress', 'resolved'])[1 + (n / 50) % 5] WHEN n % 50 = 1 THEN 'verified' ELSE 'closed' END,
             31, 121, 'cell-' || (1 + (n / 7) % 10), CASE WHEN n % 50 = 0 AND (n / 50) % 5 = 0 THEN NULL ELSE 'w-' || (1 + (n / 3) % 20) END,
             n % 350 = 0, CASE WHEN n % 350 = 0 THEN 's-2' END, now() + (n % 97) * interval '1 hour', first_seen_at
        FROM (SELECT incident_id, kind, first_seen_at, row_number() OVER (ORDER BY incident_id) AS n FROM incidents) i`);
    await pool.query('ANALYZE');
  });
  after(async () => {
    await pool.end();
    await database.drop();
  });

  const expected = async (where: string, values: unknown[], limit = 100) =>
    (
      await pool.query<{ ticket_id: string }>(
        `SELECT ticket_id FROM tickets t WHERE ${where} ORDER BY CASE priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 ELSE 4 END, due_by, ticket_id LIMIT ${limit}`,
        values,
      )
    ).rows.map((r) => r.ticket_id);
  // Ties on (priority, due_by) may come in any order; compare as the order the list promises, ties sorted.
  const listed = async (filter: TicketFilter) => {
    const rows = await listTickets(pool, filter);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      assert.ok(a.priority < b.priority || (a.priority === b.priority && a.due_by <= b.due_by), 'most urgent first, then the nearer deadline');
    }
    return rows;
  };
  const sameSet = (rows: Array<{ ticket_id: string }>, ids: string[]) => assert.deepEqual(rows.map((r) => r.ticket_id).sort(), [...ids].sort());

  it("lists a worker's open tickets, and only theirs", async () => {
    const rows = await listed({ assigneeId: 'w-1', statuses: OPEN_FOR_WORKER, limit: 100 });
    assert.ok(rows.length > 0);
    sameSet(rows, await expected(`assignee_id = 'w-1' AND status = ANY($1)`, [OPEN_FOR_WORKER]));
  });

  it("lists a worker's finished tickets when asked for them by status", async () => {
    const rows = await listed({ assigneeId: 'w-1', statuses: ['verified', 'closed'], limit: 500 });
    assert.ok(rows.length > 100);
    sameSet(rows, await expected(`assignee_id = 'w-1' AND status IN ('verified', 'closed')`, [], 500));
  });

  it('lists every open ticket for ops, up to the limit, most urgent first', async () => {
    const rows = await listed({ statuses: OPEN_FOR_STAFF, limit: 500 });
    assert.equal(rows.length, 160);
    sameSet(rows, await expected(`status = ANY($1)`, [OPEN_FOR_STAFF], 500));
    const firstTen = await listed({ statuses: OPEN_FOR_STAFF, limit: 10 });
    assert.ok(firstTen.every((r) => r.priority === 'P1'));
  });

  it("lists a supervisor's cells and the tickets escalated to them, alone or with a cell", async () => {
    const rows = await listed({ supervisorId: 's-2', statuses: OPEN_FOR_STAFF, limit: 500 });
    sameSet(rows, await expected(`status = ANY($1) AND (escalated_to = 's-2' OR cell_id IN (SELECT cell_id FROM grid_cells WHERE supervisor_id = 's-2'))`, [OPEN_FOR_STAFF], 500));
    const escalatedElsewhere = rows.filter((r) => r.escalated_to === 's-2' && ['cell-1', 'cell-2', 'cell-3', 'cell-4', 'cell-5'].includes(r.cell_id!));
    assert.ok(escalatedElsewhere.length > 0, 'a ticket escalated to s-2 from a cell of s-1 is listed too');
    const oneCell = await listed({ supervisorId: 's-2', cellId: 'cell-8', statuses: OPEN_FOR_STAFF, limit: 500 });
    assert.ok(oneCell.length > 0, 'cell-8 has open tickets');
    assert.ok(oneCell.every((r) => r.cell_id === 'cell-8'), JSON.stringify(oneCell.map((r) => r.cell_id)));
  });

  it('reads every way of asking through an index, even from the generic plan PostgreSQL caches for the statement', async () => {
    const client = await pool.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      const filters: TicketFilter[] = [
        { assigneeId: 'w-1', statuses: OPEN_FOR_WORKER, limit: 100 },
        { assigneeId: 'w-1', statuses: ['closed'], limit: 100 },
        { statuses: OPEN_FOR_STAFF, limit: 500 },
        { statuses: OPEN_FOR_STAFF, cellId: 'cell-3', limit: 500 },
        { supervisorId: 's-1', statuses: OPEN_FOR_STAFF, limit: 100 },
        { supervisorId: 's-1', cellId: 'cell-3', statuses: OPEN_FOR_STAFF, limit: 100 },
      ];
      for (const [i, filter] of filters.entries()) {
        const { text, values } = listTicketsQuery(filter);
        await client.query(`PREPARE list_${i} AS ${text}`);
        const args = values.map((v) => (Array.isArray(v) ? client.escapeLiteral(`{${v.join(',')}}`) : typeof v === 'number' ? String(v) : client.escapeLiteral(String(v))));
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (FORMAT TEXT) EXECUTE list_${i}(${args.join(', ')})`);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.doesNotMatch(plan, /Seq Scan on tickets/, `${JSON.stringify(filter)}:\n${plan}`);
      }
    } finally {
      client.release(true);
    }
  });
});
