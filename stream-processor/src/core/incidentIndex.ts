import { encodeGeohash, type AnomalyKind, type GeoPoint } from '@gridsight/contracts';
import { cellsWithin } from './geo.js';
import type { IncidentState } from './incidentState.js';

// Geohash-7 cells are about 150 m across (narrower towards the poles; cellsWithin accounts for
// that), so a merge radius looks at a handful of incidents rather than every one in the
// kilometre-wide geoCellKey cells that were locked and loaded.
const INDEX_PRECISION = 7;

export interface IncidentIndex {
  /** Adds an incident, or replaces the one with its id (an incident never moves). */
  put(incident: IncidentState): void;
  /** Every incident of `kind` within `radiusM` of `point`, and possibly some a little further. */
  near(point: GeoPoint, radiusM: number, kind: AnomalyKind): IncidentState[];
}

/** The batch's incidents by place and kind, so each decision sees its neighbours without scanning them all. */
export function createIncidentIndex(incidents: Iterable<IncidentState> = []): IncidentIndex {
  const byKind = new Map<AnomalyKind, Map<string, Map<string, IncidentState>>>();
  const put = (incident: IncidentState): void => {
    let cells = byKind.get(incident.kind);
    if (!cells) byKind.set(incident.kind, (cells = new Map()));
    const cell = encodeGeohash(incident.location.lat, incident.location.lon, INDEX_PRECISION);
    let bucket = cells.get(cell);
    if (!bucket) cells.set(cell, (bucket = new Map()));
    bucket.set(incident.incidentId, incident);
  };
  for (const incident of incidents) put(incident);
  return {
    put,
    near(point, radiusM, kind) {
      const found: IncidentState[] = [];
      const cells = byKind.get(kind);
      if (!cells) return found;
      for (const cell of cellsWithin(point, radiusM, INDEX_PRECISION)) {
        const bucket = cells.get(cell);
        if (bucket) for (const incident of bucket.values()) found.push(incident);
      }
      return found;
    },
  };
}
