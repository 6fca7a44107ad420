import type { AuditRow, TicketWithEvidence } from '../db/ticketQueries.js';
import type { TicketRow } from '../db/ticketRows.js';
import type { TicketView } from './schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function ticketView(row: TicketRow & { snapshot_id?: string | null }, baseUrl: string): TicketView {
  return {
    ticketId: row.ticket_id,
    incidentId: row.incident_id,
    kind: row.kind,
    priority: row.priority,
    status: row.status,
    location: { lat: row.lat, lon: row.lon },
    cellId: row.cell_id,
    assigneeId: row.assignee_id,
    escalated: row.escalated,
    escalatedTo: row.escalated_to,
    acceptBy: iso(row.accept_by),
    dueBy: row.due_by.toISOString(),
    createdAt: row.created_at.toISOString(),
    assignedAt: iso(row.assigned_at),
    acceptedAt: iso(row.accepted_at),
    resolvedAt: iso(row.resolved_at),
    verifiedAt: iso(row.verified_at),
    closedAt: iso(row.closed_at),
    reopenCount: row.reopen_count,
    version: row.version,
    snapshotUrl: row.snapshot_id ? `${baseUrl}/api/v1/snapshots/${row.snapshot_id}` : null,
  };
}

export function auditView(row: AuditRow) {
  return {
    seq: row.seq,
    eventId: row.event_id,
    at: row.at.toISOString(),
    transition: row.transition,
    from: row.from_status,
    to: row.to_status,
    actor: { type: row.actor_type, id: row.actor_id },
    assigneeId: row.assignee_id,
    note: row.note,
    photoUrl: row.photo_url,
  };
}

export type { TicketWithEvidence };
