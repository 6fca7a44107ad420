import type pg from 'pg';
import { chooseAssignee, type AssignmentDecision } from '../core/assignment.js';
import { decideTransition } from '../core/ticketStateMachine.js';
import { applyChange } from '../adapters/db/ticketStore.js';
import { loadRoster } from '../adapters/db/rosterStore.js';
import type { TicketRow } from '../adapters/db/ticketRows.js';
import type { WorkflowDeps } from './deps.js';

export interface AssignmentResult {
  row: TicketRow;
  decision: AssignmentDecision;
}

/** Picks a worker for the locked ticket and applies `assigned` (or `reassigned`); leaves the row as it was when nobody is on duty. */
export async function assignLockedTicket(
  client: pg.PoolClient,
  deps: WorkflowDeps,
  row: TicketRow,
  transition: 'assigned' | 'reassigned',
  exclude: readonly string[],
  now: Date,
): Promise<AssignmentResult> {
  const location = { lat: row.lat, lon: row.lon };
  const roster = await loadRoster(client, { point: location, radiusM: deps.config.nearbyRadiusM });
  const decision = chooseAssignee({ cellId: row.cell_id, location }, roster, {
    now,
    timeZone: deps.config.timeZone,
    nearbyRadiusM: deps.config.nearbyRadiusM,
    exclude,
  });
  if (decision.workerId === null) return { row, decision };
  const sla = deps.config.sla[row.kind];
  const outcome = decideTransition(
    { status: row.status, assigneeId: row.assignee_id, escalated: row.escalated, acceptBy: row.accept_by },
    { transition, actor: { type: 'system' }, assigneeId: decision.workerId },
    sla,
    now,
  );
  if (!outcome.ok) throw new Error(`assignment refused by the state machine: ${outcome.refusal.message}`);
  const note = decision.reason === 'cell_owner' ? 'on duty in the cell' : `on duty nearby (${Math.round(decision.distanceM ?? 0)} m)`;
  const updated = await applyChange(client, row, outcome.change, { type: 'system' }, { note }, now, deps.config.kafka.ticketEventsTopic);
  return { row: updated, decision };
}
