import { writeOutbox } from '@gridsight/service-kit';
import type { ClientBase } from 'pg';
import { releaseHeld } from '../core/announcements.js';
import type { IncidentState } from '../core/incidentState.js';
import { lockCells } from '../adapters/db/cellLocks.js';
import { dueHeldSightings } from '../adapters/db/heldSightingsStore.js';
import { loadIncidentsById, saveIncidents } from '../adapters/db/incidentsStore.js';
import { incidentMessage } from './incidentMessage.js';

export interface HeldSightingsContext {
  now: () => Date;
  incidentsTopic: string;
  /** Incidents per transaction. */
  limit: number;
}

/**
 * The trailing announcement: one transaction that announces the held sightings of incidents
 * whose interval has passed with no further sighting. It takes the cell locks that dedupe and
 * closing take and reads the incidents again under them, so a batch deciding about the same
 * incident, or another instance's flush, comes before or after it whole: what one of them
 * announced is no longer held when the other reads it. Returns the announcements written.
 */
export async function announceDueSightings(client: Pick<ClientBase, 'query'>, context: HeldSightingsContext): Promise<number> {
  const now = context.now();
  const due = await dueHeldSightings(client, now, context.limit);
  if (due.length === 0) return 0;
  await lockCells(client, [...new Set(due.map((d) => d.geoCell))]);
  const nowIso = now.toISOString();
  const changed: IncidentState[] = [];
  const messages = [];
  for (const incident of await loadIncidentsById(client, due.map((d) => d.incidentId))) {
    if (!incident.held || incident.held.dueAt > nowIso) continue;
    const released = releaseHeld(incident, now);
    changed.push(released.incident);
    for (const a of released.announcements) messages.push(incidentMessage(a.change, a.incident, a.cause, now, context.incidentsTopic));
  }
  await saveIncidents(client, changed);
  await writeOutbox(client, messages);
  return messages.length;
}
