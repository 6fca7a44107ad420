import type { ClientBase } from 'pg';
import type { GridCell } from '../../core/gridCell.js';

/** The grid cells whose bounding box overlaps the box around `points`; read per batch, so a redrawn grid applies at once. */
export async function loadGridCellsAround(client: Pick<ClientBase, 'query'>, points: ReadonlyArray<{ lat: number; lon: number }>): Promise<GridCell[]> {
  if (points.length === 0) return [];
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const { rows } = await client.query<{ cell_id: string; boundary: GridCell['boundary']; min_lat: number; min_lon: number; max_lat: number; max_lon: number }>(
    `SELECT cell_id, boundary, min_lat, min_lon, max_lat, max_lon FROM grid_cells
      WHERE min_lat <= $2 AND max_lat >= $1 AND min_lon <= $4 AND max_lon >= $3`,
    [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)],
  );
  return rows.map((r) => ({ cellId: r.cell_id, boundary: r.boundary, minLat: r.min_lat, minLon: r.min_lon, maxLat: r.max_lat, maxLon: r.max_lon }));
}
