import type { AnomalyEvent } from '@gridsight/contracts';
import { geoCellKey } from '@gridsight/contracts';
import type { ClientBase } from 'pg';

type Sql = Pick<ClientBase, 'query'>;

export interface DetectionRow {
  event: AnomalyEvent;
  snapshotId?: string;
  incidentId?: string;
}

/** Which of these events are stored already (a re-delivery); callers hold the cells' locks, so the answer stays true. */
export async function storedEventIds(client: Sql, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>('SELECT event_id FROM detections WHERE event_id = ANY($1::uuid[])', [eventIds]);
  return new Set(rows.map((r) => r.event_id));
}

const bboxLiteral = (bbox: AnomalyEvent['bbox']): string | null => (bbox ? `{${bbox.join(',')}}` : null);

/**
 * One statement for the whole batch: arrays in, UNNEST to rows (measured against multi-row
 * VALUES and COPY in bench/stream-processor.bench.ts). A repeat of (event_id, observed_at) is ignored.
 */
export async function insertDetections(client: Sql, rows: readonly DetectionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const column = <T>(pick: (row: DetectionRow) => T): T[] => rows.map(pick);
  const result = await client.query(
    `INSERT INTO detections (event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, bbox, track_id,
                             lat, lon, accuracy_m, geo_cell, model_name, model_version, snapshot_id, incident_id)
     SELECT e, o, t, k, st, g, d, c, b::real[], tr, la, lo, a, gc, mn, mv, s, i
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::real[], $9::text[],
                   $10::text[], $11::float8[], $12::float8[], $13::real[], $14::text[], $15::text[], $16::text[], $17::uuid[], $18::uuid[])
            AS u(e, o, t, k, st, g, d, c, b, tr, la, lo, a, gc, mn, mv, s, i)
     ON CONFLICT (event_id, observed_at) DO NOTHING`,
    [
      column((r) => r.event.eventId),
      column((r) => r.event.observedAt),
      column((r) => r.event.type),
      column((r) => r.event.kind),
      column((r) => r.event.source.type),
      column((r) => r.event.source.gatewayId),
      column((r) => r.event.source.deviceId),
      column((r) => r.event.confidence),
      column((r) => bboxLiteral(r.event.bbox)),
      column((r) => r.event.trackId ?? null),
      column((r) => r.event.location.lat),
      column((r) => r.event.location.lon),
      column((r) => r.event.location.accuracyM),
      column((r) => geoCellKey(r.event.location)),
      column((r) => r.event.model?.name ?? null),
      column((r) => r.event.model?.version ?? null),
      column((r) => r.snapshotId ?? null),
      column((r) => r.incidentId ?? null),
    ],
  );
  return result.rowCount ?? 0;
}
