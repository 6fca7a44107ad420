import type pg from 'pg';
import { inTransaction } from '@gridsight/service-kit';
import { decideTransition } from '../core/ticketStateMachine.js';
import { applyChange, clearAcceptDeadline } from '../adapters/db/ticketStore.js';
import { previousAssignees, supervisorOfCell } from '../adapters/db/rosterStore.js';
import type { TicketRow } from '../adapters/db/ticketRows.js';
import { assignLockedTicket } from './assignTicket.js';
import type { WorkflowDeps } from './deps.js';

export interface FiredDeadlines {
  reassigned: number;
  escalated: number;
  assigned: number;
}

/**
 * One pass of the durable timers. Deadlines live in the ticket rows (accept_by, due_by), so a
 * restart loses none; each batch is leased with FOR UPDATE SKIP LOCKED and changes the very rows
 * it leased in the same transaction, so with any number of instances each deadline fires once.
 */
export async function fireDueDeadlines(deps: WorkflowDeps, batchSize = 20): Promise<FiredDeadlines> {
  const now = deps.clock();

  // Each transaction counts what it did afresh, so an attempt that was rolled back and run again counts once.
  const acceptTimeouts = await inTransaction(deps.pool, async (client) => {
    const fired = { reassigned: 0, escalated: 0 };
    const rows = await lease(client, `status = 'assigned' AND accept_by <= $1 ORDER BY accept_by`, now, batchSize);
    for (const row of rows) {
      const exclude = await previousAssignees(client, row.ticket_id);
      const { decision } = await assignLockedTicket(client, deps, row, 'reassigned', exclude, now);
      if (decision.workerId !== null) {
        fired.reassigned += 1;
      } else if (!row.escalated) {
        await escalate(client, deps, row, 'accept_timeout', now);
        fired.escalated += 1;
      } else {
        // Already escalated and still nobody else on duty: the supervisor knows; only stop the timer.
        await clearAcceptDeadline(client, row.ticket_id);
      }
    }
    return fired;
  });

  const breaches = await inTransaction(deps.pool, async (client) => {
    const rows = await lease(client, `status IN ('new', 'assigned', 'accepted', 'in_progress') AND NOT escalated AND due_by <= $1 ORDER BY due_by`, now, batchSize);
    for (const row of rows) await escalate(client, deps, row, 'sla_breach', now);
    return rows.length;
  });

  const assigned = await inTransaction(deps.pool, async (client) => {
    // Unassigned tickets are retried until someone comes on duty.
    const rows = await lease(client, `status = 'new' AND created_at <= $1 ORDER BY created_at`, now, batchSize);
    let count = 0;
    for (const row of rows) {
      const { decision } = await assignLockedTicket(client, deps, row, 'assigned', [], now);
      if (decision.workerId !== null) count += 1;
    }
    return count;
  });
  return { reassigned: acceptTimeouts.reassigned, escalated: acceptTimeouts.escalated + breaches, assigned };
}

async function lease(client: pg.PoolClient, where: string, now: Date, limit: number): Promise<TicketRow[]> {
  const { rows } = await client.query<TicketRow>(`SELECT * FROM tickets WHERE ${where} LIMIT ${limit} FOR UPDATE SKIP LOCKED`, [now]);
  return rows;
}

async function escalate(client: pg.PoolClient, deps: WorkflowDeps, row: TicketRow, reason: 'accept_timeout' | 'sla_breach', now: Date): Promise<void> {
  const supervisor = await supervisorOfCell(client, row.cell_id);
  const decision = decideTransition(
    { status: row.status, assigneeId: row.assignee_id, escalated: row.escalated, acceptBy: row.accept_by },
    { transition: 'escalated', actor: { type: 'system' }, reason, ...(supervisor ? { escalateTo: supervisor } : {}) },
    deps.config.sla[row.kind],
    now,
  );
  if (!decision.ok) throw new Error(`escalation refused by the state machine: ${decision.refusal.message}`);
  const why = reason === 'sla_breach' ? `SLA breached: due by ${row.due_by.toISOString()}` : 'not accepted in time and nobody else on duty nearby';
  const note = supervisor ? `${why}; escalated to ${supervisor}` : `${why}; the cell has no supervisor`;
  await applyChange(client, row, decision.change, { type: 'system' }, { note }, now, deps.config.kafka.ticketEventsTopic);
}
