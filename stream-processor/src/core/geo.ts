import { encodeGeohash, GEO_CELL_PRECISION, type GeoPoint } from '@gridsight/contracts';

const EARTH_RADIUS_M = 6_371_008.8;
// A geohash of precision p splits longitude into 2^ceil(5p/2) and latitude into 2^floor(5p/2) bands.
const lonStep = (precision: number): number => 360 / 2 ** Math.ceil((5 * precision) / 2);
const latStep = (precision: number): number => 180 / 2 ** Math.floor((5 * precision) / 2);
// cellsWithin runs twice per event (lock cells, index lookup); the band sizes are looked up, not recomputed.
const MAX_PRECISION = 12;
const LAT_STEPS = Array.from({ length: MAX_PRECISION + 1 }, (_, precision) => latStep(precision));
const LON_STEPS = Array.from({ length: MAX_PRECISION + 1 }, (_, precision) => lonStep(precision));

const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine); within a merge radius of metres its error is far below GPS noise. */
export function distanceM(a: GeoPoint, b: GeoPoint): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The geohash cells (by default of geoCellKey's precision) that a circle of `radiusM` around
 * `point` touches, sorted. Any incident within the radius lies in one of them, so locking and
 * searching these cells is enough to see (and serialise with) every neighbour, across cell
 * borders too.
 */
export function cellsWithin(point: GeoPoint, radiusM: number, precision = GEO_CELL_PRECISION): string[] {
  const LAT_STEP = LAT_STEPS[precision] ?? latStep(precision);
  const LON_STEP = LON_STEPS[precision] ?? lonStep(precision);
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const cosLat = Math.max(Math.cos(radians(point.lat)), 1e-6);
  const dLon = Math.min(180, dLat / cosLat);
  const minLat = Math.max(-90, point.lat - dLat);
  const maxLat = Math.min(90, point.lat + dLat);
  const firstLatBand = Math.floor((minLat + 90) / LAT_STEP);
  const lastLatBand = Math.floor((maxLat + 90) / LAT_STEP);
  const firstLonBand = Math.floor((point.lon - dLon + 180) / LON_STEP);
  const lastLonBand = Math.floor((point.lon + dLon + 180) / LON_STEP);
  // Mostly the circle lies inside one cell (a merge radius is far smaller than a cell).
  if (firstLatBand === lastLatBand && firstLonBand === lastLonBand) return [cellOf(firstLatBand, firstLonBand, LAT_STEP, LON_STEP, precision)];
  const cells = new Set<string>();
  for (let latBand = firstLatBand; latBand <= lastLatBand; latBand++) {
    for (let lonBand = firstLonBand; lonBand <= lastLonBand; lonBand++) cells.add(cellOf(latBand, lonBand, LAT_STEP, LON_STEP, precision));
  }
  return [...cells].sort();
}

function cellOf(latBand: number, lonBand: number, latStepDeg: number, lonStepDeg: number, precision: number): string {
  const lat = Math.min(90, -90 + (latBand + 0.5) * latStepDeg);
  // Longitude wraps at the antimeridian.
  const lon = ((((lonBand + 0.5) * lonStepDeg) % 360) + 360) % 360 - 180;
  return encodeGeohash(lat, lon, precision);
}
