import { geoCellKey, type AnomalyEvent, type IncidentChange, type Source } from '@gridsight/contracts';
import { distanceM } from './geo.js';
import { incidentIdFor } from './ids.js';
import { isoTime, MAX_SOURCES, sourceKey, type IncidentState, type SourceState } from './incidentState.js';

export interface DedupeSettings {
  /** Two observations of one kind closer than this are one problem. */
  mergeRadiusM: number;
  /** A vague position widens the radius by its accuracy, but never by more than this. */
  accuracyCapM: number;
}

export interface Sighting {
  event: AnomalyEvent;
  /** The stored snapshot the event carried, if any. */
  snapshotId?: string;
  /** Grid cell of the event's location, if any; a new incident takes it. */
  cellId?: string;
}

export interface Decision {
  /** The incident the event belongs to; none for a `cleared` with nothing live to clear. */
  incidentId?: string;
  /** The incident after this event, when the event changed it. */
  change?: { change: IncidentChange; incident: IncidentState };
}

/** How far from an event an incident may be and still be the same problem. */
export function reachM(event: AnomalyEvent, settings: DedupeSettings): number {
  return settings.mergeRadiusM + Math.min(event.location.accuracyM, settings.accuracyCapM);
}

/**
 * The dedupe rule. `nearby` must hold every incident (live or closed) of the event's kind within
 * `reachM` of it; extra ones are ignored.
 *
 * - `detected`/`updated` joins the nearest live (open or cleared) incident of its kind within
 *   reach, whichever source saw it; a sighting newer than the clearing reopens a cleared incident.
 *   With no live incident it opens one, linked to the most recently closed one in reach.
 * - `cleared` records that its source no longer sees the problem. The incident is cleared when
 *   every camera or sensor that saw it has reported it gone after its last sighting (citizens
 *   never report `cleared`, so they do not hold it open). A `cleared` that does not finish the
 *   clearing is still an `updated` change, because dispatch verifies on the raising camera's word.
 * - Events arriving out of order: each source's latest word counts by `observedAt`, not by arrival.
 */
export function decide(sighting: Sighting, nearby: readonly IncidentState[], settings: DedupeSettings): Decision {
  const { event } = sighting;
  const reach = reachM(event, settings);
  // One pass keeping the best of each, in the order a sort would put first (ties keep the earlier
  // one, as a stable sort does): this runs for every event, and arrays per candidate showed in profiles.
  let live: IncidentState | undefined;
  let liveDistance = 0;
  let previous: IncidentState | undefined;
  let previousDistance = 0;
  for (const incident of nearby) {
    if (incident.kind !== event.kind) continue;
    const distance = distanceM(incident.location, event.location);
    if (distance > reach) continue;
    if (incident.status !== 'closed') {
      if (live === undefined || nearerLive(incident, distance, live, liveDistance)) {
        live = incident;
        liveDistance = distance;
      }
    } else if (previous === undefined || laterClosed(incident, distance, previous, previousDistance)) {
      previous = incident;
      previousDistance = distance;
    }
  }

  if (event.type === 'cleared') return live ? clear(live, event) : {};
  if (live) return sight(live, sighting);
  return open(sighting, previous?.incidentId);
}

function nearerLive(a: IncidentState, aDistance: number, b: IncidentState, bDistance: number): boolean {
  return (aDistance - bDistance || a.firstSeenAt.localeCompare(b.firstSeenAt) || a.incidentId.localeCompare(b.incidentId)) < 0;
}

function laterClosed(a: IncidentState, aDistance: number, b: IncidentState, bDistance: number): boolean {
  return ((b.closedAt ?? '').localeCompare(a.closedAt ?? '') || aDistance - bDistance) < 0;
}

function open(sighting: Sighting, previousIncidentId: string | undefined): Decision {
  const { event, snapshotId } = sighting;
  const at = isoTime(event.observedAt);
  const location = { lat: event.location.lat, lon: event.location.lon };
  const incident: IncidentState = {
    incidentId: incidentIdFor(event.eventId),
    kind: event.kind,
    status: 'open',
    location,
    geoCell: geoCellKey(location),
    ...(sighting.cellId ? { cellId: sighting.cellId } : {}),
    firstSeenAt: at,
    lastSeenAt: at,
    sightings: 1,
    raisedBy: event.source,
    sources: [event.source],
    sourceStates: { [sourceKey(event.source)]: { lastSeenAt: at } },
    maxConfidence: event.confidence,
    ...(snapshotId ? { bestSnapshotId: snapshotId, bestSnapshotConfidence: event.confidence } : {}),
    ...(previousIncidentId ? { previousIncidentId } : {}),
    version: 1,
  };
  return { incidentId: incident.incidentId, change: { change: 'opened', incident } };
}

function sight(current: IncidentState, sighting: Sighting): Decision {
  const { event, snapshotId } = sighting;
  const at = isoTime(event.observedAt);
  const key = sourceKey(event.source);
  const previous = current.sourceStates[key];
  const next: IncidentState = {
    ...current,
    firstSeenAt: at < current.firstSeenAt ? at : current.firstSeenAt,
    lastSeenAt: at > current.lastSeenAt ? at : current.lastSeenAt,
    sightings: current.sightings + 1,
    sources: withSource(current.sources, event.source),
    sourceStates: withSourceState(current, key, { ...previous, lastSeenAt: latest(previous?.lastSeenAt, at) }),
    maxConfidence: Math.max(current.maxConfidence, event.confidence),
    version: current.version + 1,
  };
  if (snapshotId && (current.bestSnapshotConfidence === undefined || event.confidence > current.bestSnapshotConfidence)) {
    next.bestSnapshotId = snapshotId;
    next.bestSnapshotConfidence = event.confidence;
  }
  // A sighting from before the clearing is late news, not a return of the problem.
  if (current.status === 'cleared' && current.clearedAt !== undefined && at > current.clearedAt) {
    delete next.clearedAt;
    delete next.clearedBy;
    return { incidentId: current.incidentId, change: { change: 'reopened', incident: { ...next, status: 'open' } } };
  }
  return { incidentId: current.incidentId, change: { change: 'updated', incident: next } };
}

function clear(current: IncidentState, event: AnomalyEvent): Decision {
  const at = isoTime(event.observedAt);
  const key = sourceKey(event.source);
  const previous = current.sourceStates[key];
  const sourceStates = withSourceState(current, key, { ...previous, clearedAt: latest(previous?.clearedAt, at) });
  const next: IncidentState = { ...current, sourceStates, version: current.version + 1 };
  if (current.status === 'open' && everyWatcherCleared(current.sources, sourceStates)) {
    return { incidentId: current.incidentId, change: { change: 'cleared', incident: { ...next, status: 'cleared', clearedAt: at, clearedBy: event.source } } };
  }
  return { incidentId: current.incidentId, change: { change: 'updated', incident: next } };
}

function everyWatcherCleared(sources: readonly Source[], states: Record<string, SourceState>): boolean {
  const watchers = new Set([...sources.filter((s) => s.type !== 'citizen').map(sourceKey), ...Object.keys(states).filter((k) => !k.startsWith('citizen/'))]);
  return [...watchers].every((key) => {
    const state = states[key];
    return state?.clearedAt !== undefined && (state.lastSeenAt === undefined || state.clearedAt >= state.lastSeenAt);
  });
}

// States are never changed in place, so an unchanged list is shared rather than copied.
function withSource(sources: Source[], source: Source): Source[] {
  if (sources.length >= MAX_SOURCES || sources.some((s) => s.deviceId === source.deviceId && s.gatewayId === source.gatewayId && s.type === source.type)) return sources;
  return [...sources, source];
}

function withSourceState(current: IncidentState, key: string, state: SourceState): Record<string, SourceState> {
  if (!(key in current.sourceStates) && Object.keys(current.sourceStates).length >= MAX_SOURCES) return current.sourceStates;
  return { ...current.sourceStates, [key]: state };
}

function latest(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}
