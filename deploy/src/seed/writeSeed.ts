import type { SqlClient } from '../db/sqlClient.js';
import { SHIFT_MINUTES, type District } from './district.js';
import type { History } from './history.js';

// PostgreSQL allows 65535 parameters per statement; smaller statements keep PGlite's message buffers small too.
const MAX_PARAMS = 8_000;

export class SeedRefusedError extends Error {
  override readonly name = 'SeedRefusedError';
}

async function insertRows(db: SqlClient, table: string, columns: string[], rows: unknown[][], onConflict = ''): Promise<void> {
  const perChunk = Math.floor(MAX_PARAMS / columns.length);
  for (let offset = 0; offset < rows.length; offset += perChunk) {
    const chunk = rows.slice(offset, offset + perChunk);
    const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ${onConflict}`, chunk.flat());
  }
}

/**
 * Writes the district and its history in one transaction. Refuses a database that already holds
 * incidents unless `replace` is set; replacing truncates (the audit trail refuses row deletes).
 */
export async function writeSeed(
  db: SqlClient,
  district: District,
  history: History,
  options: { replace: boolean; allowExistingIncidents?: boolean; onProgress?: (line: string) => void },
): Promise<void> {
  const progress = options.onProgress ?? (() => undefined);
  const existing = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM incidents')).rows[0]?.n ?? 0);
  if (existing > 0 && !options.replace && !options.allowExistingIncidents) {
    throw new SeedRefusedError(`the database already holds ${existing} incidents; run with --replace to wipe them and seed again`);
  }
  await db.query('BEGIN');
  try {
    if (options.replace) {
      await db.query('TRUNCATE ticket_events, tickets, detections, incidents, snapshots, outbox, cameras, gateways, worker_shifts, workers, grid_cells CASCADE');
    }
    await db.query('SET CONSTRAINTS ALL DEFERRED');
    await insertRows(
      db,
      'grid_cells',
      ['cell_id', 'district', 'name', 'boundary', 'min_lat', 'min_lon', 'max_lat', 'max_lon', 'supervisor_id'],
      district.cells.map((c) => [c.cellId, c.district, c.name, JSON.stringify({ type: 'Polygon', coordinates: [c.ring] }), c.minLat, c.minLon, c.maxLat, c.maxLon, c.supervisorId]),
    );
    await insertRows(
      db,
      'workers',
      ['worker_id', 'display_name', 'role', 'home_cell_id'],
      district.workers.map((w) => [w.workerId, w.displayName, w.role, w.homeCellId ?? null]),
    );
    await insertRows(
      db,
      'worker_shifts',
      ['worker_id', 'weekday', 'start_minute', 'end_minute'],
      district.workers.flatMap((w) => (w.shift ? [1, 2, 3, 4, 5, 6, 7].map((weekday) => [w.workerId, weekday, ...SHIFT_MINUTES[w.shift!]]) : [])),
    );
    await insertRows(
      db,
      'gateways',
      ['gateway_id', 'display_name', 'online', 'last_seen_at', 'agent_version'],
      district.gateways.map((g) => [g.gatewayId, g.displayName, g.online, new Date(Date.now() - (g.online ? 30_000 : 5 * 3600_000)), '0.1.0']),
      // A gateway may already be registered (provisioned, or seen reporting its status): keep it as it is.
      'ON CONFLICT (gateway_id) DO NOTHING',
    );
    await insertRows(
      db,
      'cameras',
      ['gateway_id', 'camera_id', 'pose'],
      district.gateways.flatMap((g) => g.cameras.map((c) => [g.gatewayId, c.cameraId, JSON.stringify({ lat: c.lat, lon: c.lon, headingDeg: c.heading, heightM: 6, hfovDeg: 90 })])),
      'ON CONFLICT (gateway_id, camera_id) DO NOTHING',
    );
    progress(`district: ${district.cells.length} cells, ${district.workers.length} people, ${district.gateways.length} gateways`);
    await insertRows(
      db,
      'incidents',
      ['incident_id', 'kind', 'status', 'lat', 'lon', 'geo_cell', 'cell_id', 'first_seen_at', 'last_seen_at', 'sightings', 'raised_by', 'sources', 'max_confidence', 'previous_incident_id', 'cleared_at', 'cleared_by', 'closed_at'],
      history.incidents.map((i) => [
        i.incidentId, i.kind, i.status, i.lat, i.lon, i.geoCell, i.cellId, i.firstSeenAt, i.lastSeenAt, Math.max(1, i.sightings),
        JSON.stringify(i.raisedBy), JSON.stringify(i.sources), i.maxConfidence, i.previousIncidentId, i.clearedAt, i.clearedBy && JSON.stringify(i.clearedBy), i.closedAt,
      ]),
    );
    progress(`incidents: ${history.incidents.length}`);
    await insertRows(
      db,
      'tickets',
      ['ticket_id', 'incident_id', 'kind', 'priority', 'status', 'lat', 'lon', 'cell_id', 'assignee_id', 'escalated', 'accept_by', 'due_by', 'created_at', 'assigned_at', 'accepted_at', 'resolved_at', 'verified_at', 'closed_at', 'reopen_count'],
      history.tickets.map((t) => [
        t.ticketId, t.incidentId, t.kind, t.priority, t.status, t.lat, t.lon, t.cellId, t.assigneeId, t.escalated, t.acceptBy, t.dueBy, t.createdAt,
        t.assignedAt, t.acceptedAt, t.resolvedAt, t.verifiedAt, t.closedAt, t.reopenCount,
      ]),
    );
    await insertRows(
      db,
      'ticket_events',
      ['ticket_id', 'seq', 'event_id', 'at', 'transition', 'from_status', 'to_status', 'actor_type', 'actor_id', 'note'],
      history.ticketEvents.map((e) => [e.ticketId, e.seq, e.eventId, e.at, e.transition, e.fromStatus, e.toStatus, e.actorType, e.actorId, e.note]),
    );
    progress(`tickets: ${history.tickets.length}, audit rows: ${history.ticketEvents.length}`);
    await insertRows(
      db,
      'detections',
      ['event_id', 'observed_at', 'type', 'kind', 'source_type', 'gateway_id', 'device_id', 'confidence', 'lat', 'lon', 'accuracy_m', 'geo_cell', 'cell_id', 'incident_id'],
      history.detections.map((d) => [d.eventId, d.observedAt, d.type, d.kind, d.source.type, d.source.gatewayId, d.source.deviceId, d.confidence, d.lat, d.lon, d.accuracyM, d.geoCell, d.cellId, d.incidentId]),
    );
    progress(`detections: ${history.detections.length}`);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
