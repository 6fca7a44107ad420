import type pg from 'pg';
import type { AccessTokenRole } from '@gridsight/contracts';
import { boundingBox, type CellBoundary } from '../../core/geo.js';
import type { WeeklyShift } from '../../core/shifts.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface CellInput {
  cellId: string;
  district: string;
  name: string;
  boundary: CellBoundary;
  supervisorId?: string | null;
}

/** Inserts or replaces a grid cell; the bounding box columns are derived here so SQL can pre-filter. */
export async function upsertCell(db: Queryable, cell: CellInput): Promise<void> {
  const box = boundingBox(cell.boundary);
  await db.query(
    `INSERT INTO grid_cells (cell_id, district, name, boundary, min_lat, min_lon, max_lat, max_lon, supervisor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (cell_id) DO UPDATE SET district = EXCLUDED.district, name = EXCLUDED.name, boundary = EXCLUDED.boundary,
       min_lat = EXCLUDED.min_lat, min_lon = EXCLUDED.min_lon, max_lat = EXCLUDED.max_lat, max_lon = EXCLUDED.max_lon,
       supervisor_id = EXCLUDED.supervisor_id`,
    [cell.cellId, cell.district, cell.name, JSON.stringify(cell.boundary), box.minLat, box.minLon, box.maxLat, box.maxLon, cell.supervisorId ?? null],
  );
}

export interface PersonInput {
  workerId: string;
  displayName: string;
  role: AccessTokenRole;
  passwordHash: string | null;
  homeCellId?: string | null;
  phone?: string | null;
}

export async function upsertPerson(db: Queryable, person: PersonInput): Promise<void> {
  await db.query(
    `INSERT INTO workers (worker_id, display_name, role, password_hash, home_cell_id, phone)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (worker_id) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
       password_hash = coalesce(EXCLUDED.password_hash, workers.password_hash), home_cell_id = EXCLUDED.home_cell_id, phone = EXCLUDED.phone`,
    [person.workerId, person.displayName, person.role, person.passwordHash, person.homeCellId ?? null, person.phone ?? null],
  );
}

/** Replaces a worker's weekly roster. */
export async function replaceShifts(db: Queryable, workerId: string, shifts: readonly WeeklyShift[]): Promise<void> {
  await db.query('DELETE FROM worker_shifts WHERE worker_id = $1', [workerId]);
  for (const s of shifts) {
    await db.query('INSERT INTO worker_shifts (worker_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)', [workerId, s.weekday, s.startMinute, s.endMinute]);
  }
}
