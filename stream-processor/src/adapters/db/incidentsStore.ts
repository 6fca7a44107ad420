import type { AnomalyKind, IncidentStatus, Source } from '@gridsight/contracts';
import type { ClientBase } from 'pg';
import type { HeldSightings, IncidentState, SourceState } from '../../core/incidentState.js';

type Sql = Pick<ClientBase, 'query'>;

interface IncidentRow {
  incident_id: string;
  kind: AnomalyKind;
  status: IncidentStatus;
  lat: number;
  lon: number;
  geo_cell: string;
  cell_id: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
  sightings: number;
  raised_by: Source;
  sources: Source[];
  source_states: Record<string, SourceState>;
  max_confidence: number;
  best_snapshot_id: string | null;
  best_snapshot_confidence: number | null;
  previous_incident_id: string | null;
  cleared_at: Date | null;
  cleared_by: Source | null;
  closed_at: Date | null;
  version: number;
  announced_at: Date | null;
  held_sightings: Omit<HeldSightings, 'dueAt'> | null;
  announce_due_at: Date | null;
}

const COLUMNS = `incident_id, kind, status, lat, lon, geo_cell, cell_id, first_seen_at, last_seen_at, sightings, raised_by, sources, source_states,
  max_confidence, best_snapshot_id, best_snapshot_confidence, previous_incident_id, cleared_at, cleared_by, closed_at, version,
  announced_at, held_sightings, announce_due_at`;

function toState(row: IncidentRow): IncidentState {
  return {
    incidentId: row.incident_id,
    kind: row.kind,
    status: row.status,
    location: { lat: row.lat, lon: row.lon },
    geoCell: row.geo_cell,
    ...(row.cell_id ? { cellId: row.cell_id } : {}),
    firstSeenAt: row.first_seen_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    sightings: row.sightings,
    raisedBy: row.raised_by,
    sources: row.sources,
    sourceStates: row.source_states,
    maxConfidence: row.max_confidence,
    ...(row.best_snapshot_id ? { bestSnapshotId: row.best_snapshot_id } : {}),
    ...(row.best_snapshot_confidence !== null ? { bestSnapshotConfidence: row.best_snapshot_confidence } : {}),
    ...(row.previous_incident_id ? { previousIncidentId: row.previous_incident_id } : {}),
    ...(row.cleared_at ? { clearedAt: row.cleared_at.toISOString() } : {}),
    ...(row.cleared_by ? { clearedBy: row.cleared_by } : {}),
    ...(row.closed_at ? { closedAt: row.closed_at.toISOString() } : {}),
    version: row.version,
    ...(row.announced_at ? { announcedAt: row.announced_at.toISOString() } : {}),
    ...(row.held_sightings && row.announce_due_at ? { held: { ...row.held_sightings, dueAt: row.announce_due_at.toISOString() } } : {}),
  };
}

/**
 * The incidents dedupe must see around the locked cells: every live one, and the closed ones of
 * the last `repeatWindowDays` (a sighting near them opens a repeat linked to them).
 */
export async function loadIncidentsInCells(client: Sql, cells: readonly string[], kinds: readonly string[], repeatWindowDays: number): Promise<IncidentState[]> {
  if (cells.length === 0) return [];
  const { rows } = await client.query<IncidentRow>(
    `SELECT ${COLUMNS} FROM incidents
      WHERE geo_cell = ANY($1::text[]) AND kind = ANY($2::text[])
        AND (status <> 'closed' OR closed_at > now() - make_interval(days => $3))`,
    [cells, kinds, repeatWindowDays],
  );
  return rows.map(toState);
}

export async function loadIncidentsById(client: Sql, incidentIds: readonly string[]): Promise<IncidentState[]> {
  if (incidentIds.length === 0) return [];
  const { rows } = await client.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE incident_id = ANY($1::uuid[])`, [incidentIds]);
  return rows.map(toState);
}

export async function cellsOfIncidents(client: Sql, incidentIds: readonly string[]): Promise<string[]> {
  if (incidentIds.length === 0) return [];
  const { rows } = await client.query<{ geo_cell: string }>('SELECT DISTINCT geo_cell FROM incidents WHERE incident_id = ANY($1::uuid[])', [incidentIds]);
  return rows.map((r) => r.geo_cell);
}

/** Writes the incidents as decided: new ones inserted, changed ones replaced. */
export async function saveIncidents(client: Sql, incidents: readonly IncidentState[]): Promise<void> {
  if (incidents.length === 0) return;
  // One JSON document rather than a text array per column: pg quotes and escapes every element of
  // an array parameter, JSON text with all its quotes worst of all, and PostgreSQL then parses the
  // array and each jsonb again. A JSON null becomes SQL NULL in jsonb_to_recordset.
  const rows = incidents.map((i) => ({
    incident_id: i.incidentId,
    kind: i.kind,
    status: i.status,
    lat: i.location.lat,
    lon: i.location.lon,
    geo_cell: i.geoCell,
    first_seen_at: i.firstSeenAt,
    last_seen_at: i.lastSeenAt,
    sightings: i.sightings,
    raised_by: i.raisedBy,
    sources: i.sources,
    source_states: i.sourceStates,
    max_confidence: i.maxConfidence,
    best_snapshot_id: i.bestSnapshotId ?? null,
    best_snapshot_confidence: i.bestSnapshotConfidence ?? null,
    previous_incident_id: i.previousIncidentId ?? null,
    cleared_at: i.clearedAt ?? null,
    cleared_by: i.clearedBy ?? null,
    closed_at: i.closedAt ?? null,
    version: i.version,
    cell_id: i.cellId ?? null,
    announced_at: i.announcedAt ?? null,
    held_sightings: i.held ? { last: i.held.last, ...(i.held.raiser ? { raiser: i.held.raiser } : {}) } : null,
    announce_due_at: i.held?.dueAt ?? null,
  }));
  await client.query(
    `INSERT INTO incidents (incident_id, kind, status, lat, lon, geo_cell, first_seen_at, last_seen_at, sightings, raised_by, sources,
                            source_states, max_confidence, best_snapshot_id, best_snapshot_confidence, previous_incident_id,
                            cleared_at, cleared_by, closed_at, version, cell_id, announced_at, held_sightings, announce_due_at)
     SELECT incident_id, kind, status, lat, lon, geo_cell, first_seen_at, last_seen_at, sightings, raised_by, sources,
            source_states, max_confidence, best_snapshot_id, best_snapshot_confidence, previous_incident_id,
            cleared_at, cleared_by, closed_at, version, cell_id, announced_at, held_sightings, announce_due_at
       FROM jsonb_to_recordset($1::jsonb) AS r(incident_id uuid, kind text, status text, lat float8, lon float8, geo_cell text,
            first_seen_at timestamptz, last_seen_at timestamptz, sightings int, raised_by jsonb, sources jsonb, source_states jsonb,
            max_confidence real, best_snapshot_id uuid, best_snapshot_confidence real, previous_incident_id uuid, cleared_at timestamptz,
            cleared_by jsonb, closed_at timestamptz, version int, cell_id text, announced_at timestamptz, held_sightings jsonb,
            announce_due_at timestamptz)
     ON CONFLICT (incident_id) DO UPDATE SET
       status = excluded.status, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
       sightings = excluded.sightings, sources = excluded.sources, source_states = excluded.source_states,
       max_confidence = excluded.max_confidence, best_snapshot_id = excluded.best_snapshot_id,
       best_snapshot_confidence = excluded.best_snapshot_confidence, cleared_at = excluded.cleared_at,
       cleared_by = excluded.cleared_by, closed_at = excluded.closed_at, version = excluded.version, updated_at = now(),
       announced_at = excluded.announced_at, held_sightings = excluded.held_sightings, announce_due_at = excluded.announce_due_at`,
    [JSON.stringify(rows)],
  );
}
