import type { TicketEvent } from '@gridsight/contracts';
import { isoTime, type IncidentState } from './incidentState.js';

// A verified fix ends the real-world problem; dispatch then closes the ticket on the incident's
// `closed`. Waiting for the ticket's own `closed` instead would leave each side waiting for the other.
const CLOSING_TRANSITIONS: ReadonlySet<TicketEvent['transition']> = new Set(['verified', 'closed', 'cancelled']);

/** An incident is closed when its ticket is verified, closed or cancelled; any other transition, or a repeat, changes nothing. */
export function closeIncident(current: IncidentState, ticketEvent: TicketEvent): IncidentState | undefined {
  if (!CLOSING_TRANSITIONS.has(ticketEvent.transition) || current.status === 'closed') return undefined;
  return { ...current, status: 'closed', closedAt: isoTime(ticketEvent.at), version: current.version + 1 };
}

export function closesIncident(ticketEvent: TicketEvent): boolean {
  return CLOSING_TRANSITIONS.has(ticketEvent.transition);
}
