import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { ticketEventCodec, type TicketEvent } from '@gridsight/contracts';
import { writeOutbox } from '@gridsight/service-kit';
import type { Actor, TicketChange } from '../../core/ticketStateMachine.js';
import type { TicketPlan } from '../../core/ticketPlan.js';
import { toContractTicket, type TicketRow } from './ticketRows.js';

/** PostgreSQL NOTIFY channel: every committed transition, so each instance can push it to its SSE clients. */
export const TICKET_NOTIFY_CHANNEL = 'gridsight_ticket_events';

export interface TicketNotice {
  ticketId: string;
  seq: number;
  transition: TicketEvent['transition'];
  status: TicketEvent['to'];
  assigneeId: string | null;
  previousAssigneeId: string | null;
  cellId: string | null;
  escalatedTo: string | null;
}

export async function loadTicketForUpdate(client: pg.PoolClient, ticketId: string): Promise<TicketRow | undefined> {
  const { rows } = await client.query<TicketRow>('SELECT * FROM tickets WHERE ticket_id = $1 FOR UPDATE', [ticketId]);
  return rows[0];
}

export async function loadTicketOfIncidentForUpdate(client: pg.PoolClient, incidentId: string): Promise<TicketRow | undefined> {
  const { rows } = await client.query<TicketRow>('SELECT * FROM tickets WHERE incident_id = $1 FOR UPDATE', [incidentId]);
  return rows[0];
}

/** Inserts the incident's ticket and its `created` audit row; `undefined` when the incident already has one (a replay, or another instance won). */
export async function insertTicket(
  client: pg.PoolClient,
  plan: TicketPlan,
  cellId: string | null,
  now: Date,
  topic: string,
): Promise<TicketRow | undefined> {
  const { rows } = await client.query<TicketRow>(
    `INSERT INTO tickets (ticket_id, incident_id, kind, priority, status, lat, lon, cell_id, due_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $9)
     ON CONFLICT (incident_id) DO NOTHING
     RETURNING *`,
    [uuidv7(), plan.incidentId, plan.kind, plan.priority, plan.location.lat, plan.location.lon, cellId, plan.dueBy, now],
  );
  const row = rows[0];
  if (!row) return undefined;
  await recordTransition(client, row, { transition: 'created', from: null, actor: { type: 'system' }, previousAssigneeId: null }, now, topic);
  return row;
}

export interface AppliedNote {
  note?: string;
  photoUrl?: string;
}

/** Writes a decided change: the ticket row (version + 1), its audit row, the outbox message and a notice, all in the caller's transaction. */
export async function applyChange(
  client: pg.PoolClient,
  row: TicketRow,
  change: TicketChange,
  actor: Actor,
  details: AppliedNote,
  now: Date,
  topic: string,
): Promise<TicketRow> {
  // The column name comes from the state machine's closed set, never from a request.
  const stamp = change.stamps ? `, ${change.stamps} = $8` : '';
  const { rows } = await client.query<TicketRow>(
    `UPDATE tickets
        SET status = $2, assignee_id = $3, accept_by = $4, escalated = $5,
            escalated_to = coalesce($6, escalated_to), reopen_count = reopen_count + $7,
            version = version + 1, updated_at = $8${stamp}
      WHERE ticket_id = $1
      RETURNING *`,
    [row.ticket_id, change.to, change.assigneeId, change.acceptBy, change.escalated, change.escalateTo ?? null, change.reopened ? 1 : 0, now],
  );
  const updated = rows[0]!;
  await recordTransition(client, updated, { transition: change.transition, from: change.from, actor, ...details, previousAssigneeId: row.assignee_id }, now, topic);
  return updated;
}

/** Only for the rare silent update that changes no status and announces nothing (see the deadline scheduler). */
export async function clearAcceptDeadline(client: pg.PoolClient, ticketId: string): Promise<void> {
  await client.query('UPDATE tickets SET accept_by = NULL WHERE ticket_id = $1', [ticketId]);
}

async function recordTransition(
  client: pg.PoolClient,
  row: TicketRow,
  entry: { transition: TicketEvent['transition']; from: TicketEvent['from']; actor: Actor; note?: string; photoUrl?: string; previousAssigneeId: string | null },
  now: Date,
  topic: string,
): Promise<void> {
  const event: TicketEvent = {
    schema: 'ticket-event/v1',
    eventId: uuidv7(),
    seq: row.version,
    at: now.toISOString(),
    transition: entry.transition,
    from: entry.from,
    to: row.status,
    actor: { type: entry.actor.type, ...(entry.actor.id ? { id: entry.actor.id } : {}) },
    ...(entry.note ? { note: entry.note } : {}),
    ...(entry.photoUrl ? { photoUrl: entry.photoUrl } : {}),
    ticket: toContractTicket(row),
  };
  // A transition this process built must match the contract; encode throws if it does not (a bug, not input).
  ticketEventCodec.encode(event);
  const notice: TicketNotice = {
    ticketId: row.ticket_id,
    seq: event.seq,
    transition: event.transition,
    status: event.to,
    assigneeId: row.assignee_id,
    previousAssigneeId: entry.previousAssigneeId,
    cellId: row.cell_id,
    escalatedTo: row.escalated_to,
  };
  // The audit row, a webhook delivery per matching subscription, and the notice in one round trip;
  // NOTIFY is delivered only if the transaction commits.
  await client.query(
    `WITH audit AS (
       INSERT INTO ticket_events (ticket_id, seq, event_id, at, transition, from_status, to_status, actor_type, actor_id, note, photo_url, assignee_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ), hooks AS (
       INSERT INTO webhook_deliveries (subscription_id, event_id, payload, next_attempt_at)
       SELECT subscription_id, $3, $15::jsonb, $4 FROM webhook_subscriptions
        WHERE active AND (transitions IS NULL OR $5::text = ANY (transitions))
     )
     SELECT pg_notify($13, $14)`,
    [
      row.ticket_id,
      event.seq,
      event.eventId,
      now,
      event.transition,
      event.from,
      event.to,
      event.actor.type,
      event.actor.id ?? null,
      event.note ?? null,
      event.photoUrl ?? null,
      row.assignee_id,
      TICKET_NOTIFY_CHANNEL,
      JSON.stringify(notice),
      JSON.stringify(event),
    ],
  );
  await writeOutbox(client, [{ eventId: event.eventId, topic, key: row.ticket_id, payload: event }]);
}
