import type { AnomalyKind, Ticket, TicketPriority, TicketStatus } from '@gridsight/contracts';

export interface TicketRow {
  ticket_id: string;
  incident_id: string;
  kind: AnomalyKind;
  priority: TicketPriority;
  status: TicketStatus;
  lat: number;
  lon: number;
  cell_id: string | null;
  assignee_id: string | null;
  escalated: boolean;
  escalated_to: string | null;
  accept_by: Date | null;
  due_by: Date;
  created_at: Date;
  assigned_at: Date | null;
  accepted_at: Date | null;
  resolved_at: Date | null;
  verified_at: Date | null;
  closed_at: Date | null;
  reopen_count: number;
  version: number;
  updated_at: Date;
}

export function toContractTicket(row: TicketRow): Ticket {
  return {
    ticketId: row.ticket_id,
    incidentId: row.incident_id,
    kind: row.kind,
    priority: row.priority,
    status: row.status,
    location: { lat: row.lat, lon: row.lon },
    ...(row.cell_id ? { cellId: row.cell_id } : {}),
    ...(row.assignee_id ? { assigneeId: row.assignee_id } : {}),
    escalated: row.escalated,
    ...(row.accept_by ? { acceptBy: row.accept_by.toISOString() } : {}),
    dueBy: row.due_by.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}
