import type { ClientBase, Pool } from 'pg';
import { DatabaseError, inTransaction, writeOutbox, type OutboxMessage } from '@gridsight/service-kit';
import { DispatchError } from '../../errors.js';

export interface CitizenReportRow {
  /** Decided before the first attempt: every run of the transaction writes the same report. */
  eventId: string;
  clientId: string;
  idempotencyKey: string | null;
  requestSha256: string;
  serviceCode: string;
  lat: number;
  lon: number;
  description: string | null;
  address: string | null;
}

export interface RecordedReport {
  /** The report's token: this request's, or the first request's under the same Idempotency-Key. */
  eventId: string;
  replayed: boolean;
}

// A COMMIT whose outcome is unknown is settled by running the same transaction again; if the
// connection breaks on that COMMIT too, the client hears 503 and may retry under its key.
const ATTEMPTS_AFTER_UNKNOWN_COMMIT = 3;

/**
 * Stores a citizen report and its `anomaly/v1` announcement (outbox) at most once. The insert is
 * keyed twice: by the report's own event id, so that running the transaction again after a COMMIT
 * of unknown outcome finds the first run's row instead of writing a second report, and by the
 * client's Idempotency-Key, so that a client retrying the POST gets the first answer.
 */
export async function recordCitizenReport(pool: Pool, report: CitizenReportRow, announcement: OutboxMessage): Promise<RecordedReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(pool, (client) => insertReport(client, report, announcement));
    } catch (error) {
      if (!(error instanceof DatabaseError && error.code === 'DB_COMMIT_UNKNOWN') || attempt === ATTEMPTS_AFTER_UNKNOWN_COMMIT) throw error;
    }
  }
}

async function insertReport(client: ClientBase, report: CitizenReportRow, announcement: OutboxMessage): Promise<RecordedReport> {
  const inserted = await client.query(
    `INSERT INTO open311_reports (event_id, client_id, idempotency_key, request_sha256, service_code, lat, lon, description, address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT DO NOTHING`,
    [report.eventId, report.clientId, report.idempotencyKey, report.requestSha256, report.serviceCode, report.lat, report.lon, report.description, report.address],
  );
  if (inserted.rowCount === 1) {
    await writeOutbox(client, [announcement]);
    return { eventId: report.eventId, replayed: false };
  }
  // ON CONFLICT waited for the conflicting transaction; this statement's snapshot sees its row.
  const { rows } = await client.query<{ event_id: string; request_sha256: string | null }>(
    'SELECT event_id, request_sha256 FROM open311_reports WHERE event_id = $1 OR (client_id = $2 AND idempotency_key = $3)',
    [report.eventId, report.clientId, report.idempotencyKey],
  );
  if (rows.some((row) => row.event_id === report.eventId)) return { eventId: report.eventId, replayed: false };
  const first = rows[0];
  if (!first) throw new DispatchError('DSP_CONFLICT', 'the report under this Idempotency-Key changed while it was being recorded; send it again');
  if (first.request_sha256 !== report.requestSha256) {
    throw new DispatchError('DSP_IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${report.idempotencyKey} was already used for a different report (service_code, lat, long, description or address_string differ); use a new key for a new report`);
  }
  return { eventId: first.event_id, replayed: true };
}
