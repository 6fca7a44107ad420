import type { IncidentChange } from '@gridsight/contracts';
import type { OutboxMessage } from '@gridsight/service-kit';
import { incidentEventFor } from '../core/incidentEvent.js';
import type { Cause, IncidentState } from '../core/incidentState.js';

/** The outbox row announcing one incident change on `incidents`, keyed by incidentId so one incident's changes stay in order. */
export function incidentMessage(change: IncidentChange, incident: IncidentState, cause: Cause | undefined, at: Date, topic: string): OutboxMessage {
  const payload = incidentEventFor(change, incident, cause, at);
  return { eventId: payload.eventId, topic, key: incident.incidentId, payload };
}
