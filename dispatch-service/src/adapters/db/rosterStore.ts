import type pg from 'pg';
import type { GeoPoint } from '@gridsight/contracts';
import type { RosterEntry } from '../../core/assignment.js';
import { cellCentre, type CellBoundary, type GridCell } from '../../core/geo.js';
import type { WeeklyShift } from '../../core/shifts.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Cells whose bounding box holds the point; the exact polygon test is the core's. */
export async function cellsAround(db: Queryable, point: GeoPoint): Promise<GridCell[]> {
  const { rows } = await db.query<{ cell_id: string; boundary: CellBoundary; supervisor_id: string | null }>(
    `SELECT cell_id, boundary, supervisor_id FROM grid_cells
      WHERE min_lat <= $1 AND max_lat >= $1 AND min_lon <= $2 AND max_lon >= $2`,
    [point.lat, point.lon],
  );
  return rows.map((r) => ({ cellId: r.cell_id, boundary: r.boundary, supervisorId: r.supervisor_id }));
}

export async function supervisorOfCell(db: Queryable, cellId: string | null): Promise<string | null> {
  if (cellId === null) return null;
  const { rows } = await db.query<{ supervisor_id: string | null }>('SELECT supervisor_id FROM grid_cells WHERE cell_id = $1', [cellId]);
  return rows[0]?.supervisor_id ?? null;
}

/** The grid cells a supervisor is named on; their tickets are the supervisor's to see and act on. */
export async function supervisedCells(db: Queryable, supervisorId: string): Promise<string[]> {
  const { rows } = await db.query<{ cell_id: string }>({ name: 'dispatch-supervised-cells', text: 'SELECT cell_id FROM grid_cells WHERE supervisor_id = $1 ORDER BY cell_id', values: [supervisorId] });
  return rows.map((r) => r.cell_id);
}

const METRES_PER_DEGREE = 111_320;

/**
 * Active grid workers whose home cell lies within `radiusM` of the point (a bounding-box superset
 * of what assignment can pick: the owner's cell holds the point, a helper's centre is within the
 * radius), with their shifts and open work.
 */
export async function loadRoster(db: Queryable, near: { point: GeoPoint; radiusM: number }): Promise<RosterEntry[]> {
  const dLat = near.radiusM / METRES_PER_DEGREE;
  const dLon = near.radiusM / (METRES_PER_DEGREE * Math.max(Math.cos((near.point.lat * Math.PI) / 180), 0.01));
  const { rows } = await db.query<{ worker_id: string; home_cell_id: string | null; boundary: CellBoundary | null; shifts: WeeklyShift[]; open_tickets: number }>(
    `SELECT w.worker_id, w.home_cell_id, c.boundary,
            coalesce((SELECT json_agg(json_build_object('weekday', s.weekday, 'startMinute', s.start_minute, 'endMinute', s.end_minute))
                        FROM worker_shifts s WHERE s.worker_id = w.worker_id), '[]'::json) AS shifts,
            (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = w.worker_id AND t.status IN ('assigned', 'accepted', 'in_progress')) AS open_tickets
       FROM workers w JOIN grid_cells c ON c.cell_id = w.home_cell_id
      WHERE w.role = 'worker' AND w.active
        AND c.max_lat >= $1 AND c.min_lat <= $2 AND c.max_lon >= $3 AND c.min_lon <= $4`,
    [near.point.lat - dLat, near.point.lat + dLat, near.point.lon - dLon, near.point.lon + dLon],
  );
  return rows.map((r) => ({
    workerId: r.worker_id,
    homeCellId: r.home_cell_id,
    homeCentre: r.boundary ? cellCentre(r.boundary) : null,
    shifts: r.shifts,
    openTickets: r.open_tickets,
  }));
}

/** Everyone who has held the ticket, so that a reassignment does not hand it straight back. */
export async function previousAssignees(db: Queryable, ticketId: string): Promise<string[]> {
  const { rows } = await db.query<{ assignee_id: string }>('SELECT DISTINCT assignee_id FROM ticket_events WHERE ticket_id = $1 AND assignee_id IS NOT NULL', [ticketId]);
  return rows.map((r) => r.assignee_id);
}
