import type pg from 'pg';
import type { TicketStatus } from '@gridsight/contracts';
import type { TicketRow } from './ticketRows.js';

export interface TicketWithEvidence extends TicketRow {
  snapshot_id: string | null;
}

export interface TicketFilter {
  assigneeId?: string;
  /** Only tickets of cells this supervisor supervises, or escalated to them. */
  supervisorId?: string;
  statuses?: readonly TicketStatus[];
  cellId?: string;
  limit: number;
}

// The statuses of tickets still being worked on or awaiting verification: the partial indexes on
// tickets (0001, 0034) hold only these rows.
const FINISHED: readonly TicketStatus[] = ['verified', 'closed', 'cancelled'];
const OPEN_ROWS = `t.status NOT IN (${FINISHED.map((s) => `'${s}'`).join(', ')})`;

/**
 * Most urgent first: priority (P1 < P2 < P3 < P4 sorts as text, and the column admits nothing
 * else), then the nearer SLA deadline. Every filter is a bound parameter.
 *
 * One SQL text per combination of filters rather than one text with `$n IS NULL OR …` arms:
 * PostgreSQL caches a generic plan for a prepared statement, and a generic plan of the catch-all
 * text can use no index (it scans every ticket ever made), so the server planned it afresh on
 * every call instead. Each text here has a cached plan that uses an index, and when every status
 * asked for is an open one the open-rows predicate is spelled out, because the planner can match
 * the partial indexes only against literals.
 */
export async function listTickets(pool: pg.Pool, filter: TicketFilter): Promise<TicketWithEvidence[]> {
  const { rows } = await pool.query<TicketWithEvidence>(listTicketsQuery(filter));
  return rows;
}

export function listTicketsQuery(filter: TicketFilter): { name: string; text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const shape: string[] = [];
  const bind = (value: unknown) => `$${values.push(value)}`;
  if (filter.assigneeId !== undefined) {
    where.push(`t.assignee_id = ${bind(filter.assigneeId)}`);
    shape.push('a');
  }
  if (filter.statuses !== undefined) {
    where.push(`t.status = ANY(${bind(filter.statuses)}::text[])`);
    shape.push('s');
  }
  if (filter.statuses === undefined || filter.statuses.every((s) => !FINISHED.includes(s))) {
    where.push(OPEN_ROWS);
    shape.push('o');
  }
  if (filter.cellId !== undefined) {
    where.push(`t.cell_id = ${bind(filter.cellId)}`);
    shape.push('c');
  }
  if (filter.supervisorId !== undefined) {
    const supervisor = bind(filter.supervisorId);
    // ANY(ARRAY(…)) rather than IN (SELECT …): an array comparison can be an index condition, so the two arms become one bitmap OR.
    where.push(`(t.escalated_to = ${supervisor} OR t.cell_id = ANY(ARRAY(SELECT cell_id FROM grid_cells WHERE supervisor_id = ${supervisor})))`);
    shape.push('v');
  }
  const limit = bind(filter.limit);
  return {
    // Named, so each connection parses and plans each shape once: this is the app's hottest query.
    name: `dispatch-list-tickets-${shape.join('')}`,
    text: `SELECT t.*, i.best_snapshot_id AS snapshot_id
       FROM tickets t JOIN incidents i USING (incident_id)
      WHERE ${where.join(' AND ')}
      ORDER BY t.priority, t.due_by
      LIMIT ${limit}`,
    values,
  };
}

export async function getTicket(pool: pg.Pool, ticketId: string): Promise<TicketWithEvidence | undefined> {
  const { rows } = await pool.query<TicketWithEvidence>({
    name: 'dispatch-get-ticket',
    text: 'SELECT t.*, i.best_snapshot_id AS snapshot_id FROM tickets t JOIN incidents i USING (incident_id) WHERE t.ticket_id = $1',
    values: [ticketId],
  });
  return rows[0];
}

export interface AuditRow {
  seq: number;
  event_id: string;
  at: Date;
  transition: string;
  from_status: string | null;
  to_status: string;
  actor_type: string;
  actor_id: string | null;
  note: string | null;
  photo_url: string | null;
  assignee_id: string | null;
}

export async function auditTrail(pool: pg.Pool, ticketId: string): Promise<AuditRow[]> {
  const { rows } = await pool.query<AuditRow>('SELECT * FROM ticket_events WHERE ticket_id = $1 ORDER BY seq', [ticketId]);
  return rows;
}
