import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import centroid from '@turf/centroid';
import distance from '@turf/distance';
import type { GeoPoint } from '@gridsight/contracts';
import type { MultiPolygon, Polygon } from 'geojson';

export type CellBoundary = Polygon | MultiPolygon;

export interface GridCell {
  cellId: string;
  boundary: CellBoundary;
  supervisorId: string | null;
}

/** The cell that holds the point; on a shared border the first cell in id order wins, so every instance agrees. */
export function cellContaining(point: GeoPoint, cells: readonly GridCell[]): GridCell | undefined {
  const sorted = [...cells].sort((a, b) => a.cellId.localeCompare(b.cellId));
  return sorted.find((cell) => booleanPointInPolygon([point.lon, point.lat], cell.boundary));
}

export function cellCentre(boundary: CellBoundary): GeoPoint {
  const [lon, lat] = centroid(boundary).geometry.coordinates as [number, number];
  return { lat, lon };
}

export function distanceMetres(a: GeoPoint, b: GeoPoint): number {
  return distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' });
}

export interface BoundingBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export function boundingBox(boundary: CellBoundary): BoundingBox {
  const rings = boundary.type === 'Polygon' ? boundary.coordinates : boundary.coordinates.flat();
  const points = rings.flat();
  const lats = points.map((p) => p[1]!);
  const lons = points.map((p) => p[0]!);
  return { minLat: Math.min(...lats), minLon: Math.min(...lons), maxLat: Math.max(...lats), maxLon: Math.max(...lons) };
}

/**
 * What JSON Schema cannot say about a cell boundary: every ring must close on its first position
 * and enclose an area. An open ring would pass the schema and later throw inside point-in-polygon,
 * in the middle of assigning a ticket.
 */
export function boundaryProblems(boundary: CellBoundary): string[] {
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  const problems: string[] = [];
  polygons.forEach((rings, p) =>
    rings.forEach((ring, r) => {
      const where = boundary.type === 'Polygon' ? `ring ${r}` : `polygon ${p} ring ${r}`;
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) problems.push(`${where} does not end where it starts`);
      else if (new Set(ring.map(([lon, lat]) => `${lon},${lat}`)).size < 3) problems.push(`${where} encloses no area (fewer than 3 distinct corners)`);
    }),
  );
  return problems;
}
