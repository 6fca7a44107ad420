import type { IncidentEvent } from '@gridsight/contracts';
import { inTransaction } from '@gridsight/service-kit';
import { cellContaining } from '../core/geo.js';
import { ticketPlanFor } from '../core/ticketPlan.js';
import { decideTransition } from '../core/ticketStateMachine.js';
import { verificationFor } from '../core/verification.js';
import { DispatchError } from '../errors.js';
import { cellsAround } from '../adapters/db/rosterStore.js';
import { applyChange, insertTicket, loadTicketOfIncidentForUpdate } from '../adapters/db/ticketStore.js';
import { assignLockedTicket } from './assignTicket.js';
import type { WorkflowDeps } from './deps.js';

export type IncidentOutcome =
  | { kind: 'created'; ticketId: string; assigneeId: string | null }
  | { kind: 'transitioned'; ticketId: string; transition: string }
  | { kind: 'unchanged'; ticketId?: string };

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * One incident change in, at most one ticket out, in one transaction. Replays are harmless: the
 * UNIQUE incident_id makes a second creation a no-op, and verification only moves a ticket that
 * is still in the state the rule expects.
 */
export async function handleIncidentEvent(deps: WorkflowDeps, event: IncidentEvent): Promise<IncidentOutcome> {
  const now = deps.clock();
  const topic = deps.config.kafka.ticketEventsTopic;
  if ((await eventsNeedingNoWork(deps, [event])).size > 0) return { kind: 'unchanged' };
  try {
    return await inTransaction(deps.pool, async (client) => {
      const existing = await loadTicketOfIncidentForUpdate(client, event.incident.incidentId);
      if (existing) {
        const verdict = verificationFor({ status: existing.status, resolvedAt: existing.resolved_at }, event, deps.config.reopenGraceMs);
        if (!verdict) return { kind: 'unchanged', ticketId: existing.ticket_id };
        const decision = decideTransition(
          { status: existing.status, assigneeId: existing.assignee_id, escalated: existing.escalated, acceptBy: existing.accept_by },
          { transition: verdict.transition, actor: verdict.actor, note: verdict.note },
          deps.config.sla[existing.kind],
          now,
        );
        if (!decision.ok) return { kind: 'unchanged', ticketId: existing.ticket_id };
        await applyChange(client, existing, decision.change, verdict.actor, { note: verdict.note }, now, topic);
        return { kind: 'transitioned', ticketId: existing.ticket_id, transition: verdict.transition };
      }

      const plan = ticketPlanFor(event, deps.config.sla, now);
      if (!plan) return { kind: 'unchanged' };
      // A consumer catching up on old history sees `opened` for incidents long closed since; the
      // incident row is the current truth, and a closed incident needs nobody sent out.
      const current = await client.query<{ status: string }>('SELECT status FROM incidents WHERE incident_id = $1', [plan.incidentId]);
      if (current.rows[0]?.status === 'closed') return { kind: 'unchanged' };
      const cell = cellContaining(plan.location, await cellsAround(client, plan.location));
      const created = await insertTicket(client, plan, cell?.cellId ?? null, now, topic);
      if (!created) return { kind: 'unchanged' };
      const { row } = await assignLockedTicket(client, deps, created, 'assigned', [], now);
      return { kind: 'created', ticketId: row.ticket_id, assigneeId: row.assignee_id };
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) {
      // The incident row commits before its event is published, so this is a lagging read or a
      // foreign database: worth retrying, and if it never appears, the consumer dead-letters the event.
      throw new DispatchError('DSP_MISSING_REFERENCE', `incident ${event.incident.incidentId} is not in the database yet`, { cause: error });
    }
    throw error;
  }
}

/**
 * Most incident events are `updated`: a device still seeing a problem whose ticket is being worked
 * on. A sighting can only move a resolved or verified ticket (a reopen, see core/verification.ts),
 * so one plain read settles the rest, without a transaction and its row lock; in a busy district
 * they outnumber new incidents a hundredfold. A sighting read before a resolution commits could
 * not reopen that ticket anyway: it was seen before the resolution. Returns the events of `events`
 * that need no work, reading the tickets of all of them at once.
 */
export async function eventsNeedingNoWork(deps: WorkflowDeps, events: readonly IncidentEvent[]): Promise<Set<IncidentEvent>> {
  const sightings = events.filter((e) => e.change === 'updated' && e.cause?.type !== 'cleared');
  if (sightings.length === 0) return new Set();
  const ids = [...new Set(sightings.map((e) => e.incident.incidentId.toLowerCase()))];
  const { rows } = await deps.pool.query<{ incident_id: string }>({
    name: 'dispatch-incidents-with-ticket-in-work',
    text: "SELECT incident_id FROM tickets WHERE incident_id = ANY($1::uuid[]) AND status NOT IN ('resolved', 'verified')",
    values: [ids],
  });
  const inWork = new Set(rows.map((r) => r.incident_id));
  return new Set(sightings.filter((e) => inWork.has(e.incident.incidentId.toLowerCase())));
}
