import type { AnomalyEvent, AnomalyKind, GeoPoint, IncidentStatus, Source } from '@gridsight/contracts';

/** What one source last said about an incident: when it last saw it, when it last reported it gone. */
export interface SourceState {
  lastSeenAt?: string;
  clearedAt?: string;
}

/** An incident as dedupe sees it; timestamps are normalised ISO strings (`Date#toISOString`), so they compare as text. */
export interface IncidentState {
  incidentId: string;
  kind: AnomalyKind;
  status: IncidentStatus;
  location: GeoPoint;
  geoCell: string;
  /** Grid cell (grid_cells) that holds the location, when one does. */
  cellId?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  sightings: number;
  raisedBy: Source;
  sources: Source[];
  /** Keyed by sourceKey. */
  sourceStates: Record<string, SourceState>;
  maxConfidence: number;
  bestSnapshotId?: string;
  bestSnapshotConfidence?: number;
  previousIncidentId?: string;
  clearedAt?: string;
  clearedBy?: Source;
  closedAt?: string;
  version: number;
  /** When the incident's last announcement was written (the processor's clock); unset before the first one was recorded. */
  announcedAt?: string;
  /** Plain sightings decided but not announced yet (see core/announcements.ts); the state above already holds them. */
  held?: HeldSightings;
}

/** What an announcement says about the event that caused it. */
export type Cause = Pick<AnomalyEvent, 'eventId' | 'type' | 'source' | 'observedAt'>;

export interface HeldSightings {
  /** The latest held sighting: the incident's state is the state after it. */
  last: Cause;
  /** The raising source's latest held sighting, when a later sighting by another source followed it, with the state as of it. */
  raiser?: { cause: Cause; incident: IncidentState };
  /** When the held sightings are announced even if nothing else happens to the incident. */
  dueAt: string;
}

export const MAX_SOURCES = 256;

export function sourceKey(source: Source): string {
  return `${source.type}/${source.gatewayId}/${source.deviceId}`;
}

// Date#toISOString's own shape; edge agents send it so, and parsing a Date is the costlier path.
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isoTime(timestamp: string): string {
  return CANONICAL_UTC.test(timestamp) ? timestamp : new Date(timestamp).toISOString();
}
