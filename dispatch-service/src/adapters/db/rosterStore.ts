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

/** Every active grid worker with their shifts and open work, as assignment needs them. */
export async function loadRoster(db: Queryable): Promise<RosterEntry[]> {
  const { rows } = await db.query<{ worker_id: string; home_cell_id: string | null; boundary: CellBoundary | null; shifts: WeeklyShift[]; open_tickets: number }>(
    `SELECT w.worker_id, w.home_cell_id, c.boundary,
            coalesce((SELECT json_agg(json_build_object('weekday', s.weekday, 'startMinute', s.start_minute, 'endMinute', s.end_minute))
                        FROM worker_shifts s WHERE s.worker_id = w.worker_id), '[]'::json) AS shifts,
            (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = w.worker_id AND t.status IN ('assigned', 'accepted', 'in_progress')) AS open_tickets
       FROM workers w LEFT JOIN grid_cells c ON c.cell_id = w.home_cell_id
      WHERE w.role = 'worker' AND w.active`,
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
