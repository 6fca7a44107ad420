import { INCIDENT_EVENT_SCHEMA, type Incident, type IncidentChange, type IncidentEvent } from '@gridsight/contracts';
import { uuidV7For } from './ids.js';
import type { Cause, IncidentState } from './incidentState.js';

export function toIncident(state: IncidentState): Incident {
  return {
    incidentId: state.incidentId,
    kind: state.kind,
    status: state.status,
    location: state.location,
    ...(state.cellId ? { cellId: state.cellId } : {}),
    firstSeenAt: state.firstSeenAt,
    lastSeenAt: state.lastSeenAt,
    sightings: state.sightings,
    raisedBy: state.raisedBy,
    sources: state.sources,
    maxConfidence: state.maxConfidence,
    ...(state.bestSnapshotId ? { bestSnapshotId: state.bestSnapshotId } : {}),
    ...(state.previousIncidentId ? { previousIncidentId: state.previousIncidentId } : {}),
    ...(state.clearedBy ? { clearedBy: state.clearedBy } : {}),
  };
}

/**
 * The message announcing one change. Its eventId is derived from (incident, version) and the
 * cause's time, so the same change always has the same id and the outbox's unique key refuses a
 * second copy.
 */
export function incidentEventFor(change: IncidentChange, state: IncidentState, cause: Cause | undefined, decidedAt: Date): IncidentEvent {
  return {
    schema: INCIDENT_EVENT_SCHEMA,
    eventId: uuidV7For(cause ? Date.parse(cause.observedAt) : decidedAt.getTime(), 'incident-event', state.incidentId, String(state.version)),
    change,
    version: state.version,
    at: decidedAt.toISOString(),
    ...(cause ? { cause: { eventId: cause.eventId, type: cause.type, source: cause.source } } : {}),
    incident: toIncident(state),
  };
}
