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

const PRIORITY_ORDER = `CASE t.priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 ELSE 4 END`;

/** Most urgent first: priority, then the nearer SLA deadline. Every filter is a bound parameter. */
export async function listTickets(pool: pg.Pool, filter: TicketFilter): Promise<TicketWithEvidence[]> {
  // Named, so each connection plans it once: this is the app's hottest query.
  const { rows } = await pool.query<TicketWithEvidence>({
    name: 'dispatch-list-tickets',
    text: `SELECT t.*, i.best_snapshot_id AS snapshot_id
       FROM tickets t JOIN incidents i USING (incident_id)
      WHERE ($1::text IS NULL OR t.assignee_id = $1)
        AND ($2::text[] IS NULL OR t.status = ANY($2))
        AND ($3::text IS NULL OR t.cell_id = $3)
        AND ($5::text IS NULL OR t.escalated_to = $5 OR t.cell_id IN (SELECT cell_id FROM grid_cells WHERE supervisor_id = $5))
      ORDER BY ${PRIORITY_ORDER}, t.due_by
      LIMIT $4`,
    values: [filter.assigneeId ?? null, filter.statuses ?? null, filter.cellId ?? null, filter.limit, filter.supervisorId ?? null],
  });
  return rows;
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
