import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AnomalyKind, TicketStatus } from '@gridsight/contracts';

export interface Open311Row {
  ticket_id: string;
  kind: AnomalyKind;
  status: TicketStatus;
  lat: number;
  lon: number;
  due_by: Date;
  created_at: Date;
  updated_at: Date;
  last_note: string | null;
  last_photo_url: string | null;
  snapshot_id: string | null;
  citizen_description: string | null;
}

export interface Open311Filter {
  ids?: string[];
  serviceCode?: AnomalyKind;
  start: Date;
  end: Date;
  status?: 'open' | 'closed';
  limit: number;
}

const CLOSED = `('verified', 'closed', 'cancelled')`;

export async function findRequests(pool: pg.Pool, filter: Open311Filter): Promise<Open311Row[]> {
  const { rows } = await pool.query<Open311Row>(
    `SELECT t.ticket_id, t.kind, t.status, t.lat, t.lon, t.due_by, t.created_at, t.updated_at,
            i.best_snapshot_id AS snapshot_id,
            (SELECT e.note FROM ticket_events e WHERE e.ticket_id = t.ticket_id AND e.note IS NOT NULL ORDER BY e.seq DESC LIMIT 1) AS last_note,
            (SELECT e.photo_url FROM ticket_events e WHERE e.ticket_id = t.ticket_id AND e.photo_url IS NOT NULL ORDER BY e.seq DESC LIMIT 1) AS last_photo_url,
            (SELECT r.description FROM detections d JOIN open311_reports r ON r.event_id = d.event_id
              WHERE d.incident_id = t.incident_id AND d.source_type = 'citizen' AND r.description IS NOT NULL ORDER BY d.observed_at LIMIT 1) AS citizen_description
       FROM tickets t JOIN incidents i USING (incident_id)
      WHERE ($1::uuid[] IS NULL OR t.ticket_id = ANY($1))
        AND ($2::text IS NULL OR t.kind = $2)
        AND ($1::uuid[] IS NOT NULL OR t.created_at BETWEEN $3 AND $4)
        AND ($5::text IS NULL OR ($5 = 'closed') = (t.status IN ${CLOSED}))
      ORDER BY t.created_at DESC
      LIMIT $6`,
    [filter.ids ?? null, filter.serviceCode ?? null, filter.start, filter.end, filter.status ?? null, filter.limit],
  );
  return rows;
}

/** The ticket a citizen report ended up in, once the stream processor has merged it into an incident. */
export async function ticketForReportEvent(pool: pg.Pool, eventId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ ticket_id: string }>(
    'SELECT t.ticket_id FROM detections d JOIN tickets t ON t.incident_id = d.incident_id WHERE d.event_id = $1 LIMIT 1',
    [eventId],
  );
  return rows[0]?.ticket_id;
}

export function apiKeyDigest(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export async function open311ClientFor(pool: pg.Pool, apiKey: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ client_id: string }>('SELECT client_id FROM open311_clients WHERE key_sha256 = $1 AND active', [apiKeyDigest(apiKey)]);
  return rows[0]?.client_id;
}
