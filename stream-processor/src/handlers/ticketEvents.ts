import { ticketEventCodec } from '@gridsight/contracts';
import { writeOutbox, type OutboxMessage } from '@gridsight/service-kit';
import type { ClientBase } from 'pg';
import { releaseHeld } from '../core/announcements.js';
import { closeIncident, closesIncident } from '../core/closeIncident.js';
import type { IncidentState } from '../core/incidentState.js';
import { lockCells } from '../adapters/db/cellLocks.js';
import { cellsOfIncidents, loadIncidentsById, saveIncidents } from '../adapters/db/incidentsStore.js';
import { incidentMessage } from './incidentMessage.js';
import { decodeRecords, type HandlerContext, type RecordIn } from './records.js';

export interface TicketContext extends HandlerContext {
  incidentsTopic: string;
}

export interface TicketOutcome {
  invalid: number;
  closed: number;
  /** Closing transitions for incidents this database does not hold. */
  unknownIncidents: number;
}

/**
 * `ticket-events`: a verified, closed or cancelled ticket closes its incident (once; a repeat changes
 * nothing). The incident's cell lock is taken first, as dedupe does, so a closing and a sighting
 * near it never cross.
 */
export async function handleTicketEvents(client: Pick<ClientBase, 'query'>, records: readonly RecordIn[], context: TicketContext): Promise<TicketOutcome> {
  const { valid, dlq } = decodeRecords(records, ticketEventCodec, context);
  const closing = valid.map((v) => v.value).filter(closesIncident);
  const incidentIds = [...new Set(closing.map((t) => t.ticket.incidentId.toLowerCase()))];
  await lockCells(client, await cellsOfIncidents(client, incidentIds));
  const incidents = new Map((await loadIncidentsById(client, incidentIds)).map((i) => [i.incidentId, i]));

  const changed = new Map<string, IncidentState>();
  const messages: OutboxMessage[] = [];
  let unknownIncidents = 0;
  for (const ticketEvent of closing) {
    const current = incidents.get(ticketEvent.ticket.incidentId.toLowerCase());
    if (!current) {
      unknownIncidents++;
      continue;
    }
    if (!closeIncident(current, ticketEvent)) continue;
    // Sightings held back by the throttle happened before the closing: they are announced first.
    const released = releaseHeld(current, context.now());
    for (const a of released.announcements) messages.push(incidentMessage(a.change, a.incident, a.cause, context.now(), context.incidentsTopic));
    const next = closeIncident(released.incident, ticketEvent)!;
    incidents.set(next.incidentId, next);
    changed.set(next.incidentId, next);
    messages.push(incidentMessage('closed', next, undefined, new Date(ticketEvent.at), context.incidentsTopic));
  }
  await saveIncidents(client, [...changed.values()]);
  await writeOutbox(client, [...messages, ...dlq]);
  return { invalid: dlq.length, closed: changed.size, unknownIncidents };
}
