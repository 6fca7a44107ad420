import type { IncidentEvent, TicketPriority } from '@gridsight/contracts';
import { resolveDeadline, type SlaTable } from './slaPolicy.js';

export interface TicketPlan {
  incidentId: string;
  kind: IncidentEvent['incident']['kind'];
  priority: TicketPriority;
  location: { lat: number; lon: number };
  dueBy: Date;
}

/**
 * Whether an incident change should create its ticket. Any change of a live incident does, not
 * just `opened`: dispatch may start after the incident opened, and the ticket store makes a
 * second creation a no-op. A closed incident needs no ticket.
 */
export function ticketPlanFor(event: IncidentEvent, sla: SlaTable, now: Date): TicketPlan | undefined {
  const { incident } = event;
  if (incident.status === 'closed' || event.change === 'closed') return undefined;
  const rule = sla[incident.kind];
  return {
    incidentId: incident.incidentId,
    kind: incident.kind,
    priority: rule.priority,
    location: incident.location,
    dueBy: resolveDeadline(rule, new Date(incident.firstSeenAt), now),
  };
}
