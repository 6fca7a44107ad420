import type { GeoPoint } from '../schemas/common.js';
import { encodeGeohash } from './geohash.js';

/**
 * Precision 6 is a cell of about 1.2 km x 0.6 km: large enough that almost every pair of
 * sightings within a merge radius (metres) shares a cell, and so a partition and a consumer;
 * the database still guards the pairs that straddle a border.
 */
export const GEO_CELL_PRECISION = 6;

/** Kafka key of `anomaly-events`: the geohash cell of where the object is. */
export function geoCellKey(location: GeoPoint): string {
  return encodeGeohash(location.lat, location.lon, GEO_CELL_PRECISION);
}
