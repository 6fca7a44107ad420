import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { IncidentEvent, Source } from '@gridsight/contracts';
import { createLogger } from '@gridsight/service-kit';
import { createTestDatabase, type TestDatabase } from '@gridsight/deploy/testing';
import { DEFAULT_SLA_TABLE, type SlaTable } from '../../src/core/slaPolicy.js';
import { replaceShifts, upsertCell, upsertPerson } from '../../src/adapters/db/adminStore.js';
import type { WorkflowDeps } from '../../src/workflows/deps.js';
import { alwaysOnDuty, cells } from '../core/fixtures.js';

export const camera: Source = { type: 'camera', gatewayId: 'gw-1', deviceId: 'cam-1' };

/** A migrated database of its own with two neighbouring cells, a supervisor and grid workers, and workflow deps over it. */
export interface World {
  db: TestDatabase;
  pool: pg.Pool;
  deps: WorkflowDeps;
  now: { value: Date };
  close(): Promise<void>;
}

export async function createWorld(options: { sla?: SlaTable; ticketEventsTopic?: string } = {}): Promise<World> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await upsertPerson(pool, { workerId: 's-1', displayName: 'Supervisor One', role: 'supervisor', passwordHash: null });
  for (const cell of cells) await upsertCell(pool, { ...cell, district: 'Huangpu', name: cell.cellId });
  const now = { value: new Date() };
  const deps: WorkflowDeps = {
    pool,
    config: {
      sla: options.sla ?? DEFAULT_SLA_TABLE,
      timeZone: 'Asia/Shanghai',
      nearbyRadiusM: 3000,
      reopenGraceMs: 60_000,
      kafka: { brokers: [], groupId: 'unused', incidentsTopic: 'incidents', ticketEventsTopic: options.ticketEventsTopic ?? 'ticket-events', anomalyEventsTopic: 'anomaly-events', dlqTopic: 'anomaly-events.dlq' },
    },
    clock: () => now.value,
    logger: createLogger('dispatch-test', 'silent'),
  };
  return {
    db,
    pool,
    deps,
    now,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

export async function addWorker(pool: pg.Pool, workerId: string, homeCellId: string, options: { passwordHash?: string | null; onDuty?: boolean } = {}): Promise<void> {
  await upsertPerson(pool, { workerId, displayName: workerId, role: 'worker', passwordHash: options.passwordHash ?? null, homeCellId });
  await replaceShifts(pool, workerId, options.onDuty === false ? [] : alwaysOnDuty);
}

let version = 0;

/** Writes the incident row the stream processor would have written, and returns its `opened` event. */
export async function openIncident(pool: pg.Pool, options: { kind?: IncidentEvent['incident']['kind']; lat?: number; lon?: number; firstSeenAt?: Date } = {}): Promise<IncidentEvent> {
  const incidentId = uuidv7();
  const firstSeenAt = (options.firstSeenAt ?? new Date()).toISOString();
  const kind = options.kind ?? 'manhole_open';
  const location = { lat: options.lat ?? 31.235, lon: options.lon ?? 121.475 };
  await pool.query(
    `INSERT INTO incidents (incident_id, kind, status, lat, lon, geo_cell, first_seen_at, last_seen_at, sightings, raised_by, sources, max_confidence)
     VALUES ($1, $2, 'open', $3, $4, 'wtw3sj', $5, $5, 1, $6, $7, 0.9)`,
    [incidentId, kind, location.lat, location.lon, firstSeenAt, JSON.stringify(camera), JSON.stringify([camera])],
  );
  return {
    schema: 'incident/v1',
    eventId: uuidv7(),
    change: 'opened',
    version: 1,
    at: firstSeenAt,
    cause: { eventId: uuidv7(), type: 'detected', source: camera },
    incident: { incidentId, kind, status: 'open', location, firstSeenAt, lastSeenAt: firstSeenAt, sightings: 1, raisedBy: camera, sources: [camera], maxConfidence: 0.9 },
  };
}

/** A later change of the same incident, caused by `source` at `at`. */
export function incidentChange(opened: IncidentEvent, change: IncidentEvent['change'], at: Date, source: Source = camera): IncidentEvent {
  version += 1;
  const cleared = change === 'cleared';
  return {
    ...opened,
    eventId: uuidv7(),
    change,
    version: opened.version + version,
    at: at.toISOString(),
    cause: { eventId: uuidv7(), type: cleared ? 'cleared' : 'updated', source },
    incident: {
      ...opened.incident,
      status: cleared ? 'cleared' : change === 'closed' ? 'closed' : 'open',
      lastSeenAt: cleared ? opened.incident.lastSeenAt : at.toISOString(),
      ...(cleared ? { clearedBy: source } : {}),
    },
  };
}

export async function auditTrail(pool: pg.Pool, ticketId: string): Promise<string[]> {
  const { rows } = await pool.query<{ transition: string; to_status: string; actor_type: string }>(
    'SELECT transition, to_status, actor_type FROM ticket_events WHERE ticket_id = $1 ORDER BY seq',
    [ticketId],
  );
  return rows.map((r) => `${r.transition}:${r.to_status}:${r.actor_type}`);
}
