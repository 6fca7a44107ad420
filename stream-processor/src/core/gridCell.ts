import type { GeoPoint } from '@gridsight/contracts';

type Ring = Array<[number, number]>;

/** A row of `grid_cells`: a GeoJSON Polygon or MultiPolygon ([lon, lat] positions) and its bounding box. */
export interface GridCell {
  cellId: string;
  boundary: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

// Ray casting (even-odd rule) on [lon, lat] rings; a cell of a city is small enough to treat as planar.
function insideRing(point: GeoPoint, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > point.lat !== yj > point.lat && point.lon < ((xj - xi) * (point.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function insidePolygon(point: GeoPoint, rings: Ring[]): boolean {
  const [outer, ...holes] = rings;
  return outer !== undefined && insideRing(point, outer) && !holes.some((hole) => insideRing(point, hole));
}

/** The grid cell (the patch of street a worker owns) that holds the point; the lowest cell id wins where cells overlap. */
export function gridCellOf(point: GeoPoint, cells: readonly GridCell[]): string | undefined {
  let found: string | undefined;
  for (const cell of cells) {
    if (point.lat < cell.minLat || point.lat > cell.maxLat || point.lon < cell.minLon || point.lon > cell.maxLon) continue;
    const polygons = cell.boundary.type === 'Polygon' ? [cell.boundary.coordinates] : cell.boundary.coordinates;
    if (polygons.some((rings) => insidePolygon(point, rings)) && (found === undefined || cell.cellId < found)) found = cell.cellId;
  }
  return found;
}
