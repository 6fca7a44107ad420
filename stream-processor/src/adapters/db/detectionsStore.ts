import type { AnomalyEvent } from '@gridsight/contracts';
import { geoCellKey } from '@gridsight/contracts';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CopyBinaryWriter } from './copyBinary.js';

type Sql = Pick<ClientBase, 'query'>;

export interface DetectionRow {
  event: AnomalyEvent;
  snapshotId?: string;
  incidentId?: string;
  cellId?: string;
}

/** Which of these events are stored already (a re-delivery); callers hold the cells' locks, so the answer stays true. */
export async function storedEventIds(client: Sql, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  // One array literal rather than a JS array, which pg quotes and escapes element by element; the
  // ids are contract-validated UUIDs, and the uuid[] cast refuses anything else.
  const { rows } = await client.query<{ event_id: string }>('SELECT event_id FROM detections WHERE event_id = ANY($1::uuid[])', [`{${eventIds.join(',')}}`]);
  return new Set(rows.map((r) => r.event_id));
}

// The order of the binary rows below.
const COLUMNS = 'event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, bbox, track_id, lat, lon, accuracy_m, geo_cell, model_name, model_version, snapshot_id, incident_id, cell_id';

/**
 * A plain binary COPY of rows that the caller has just looked up with storedEventIds under the
 * cells' locks and found missing. Nobody else can store one of them in between: every writer of
 * an event holds the locks of the cells around its location. (A different event reusing an
 * eventId elsewhere could; its unique violation rolls the batch back to be retried, and the
 * retry's lookup then skips it.) Measured against a COPY into a staging table followed by
 * INSERT … SELECT … ON CONFLICT DO NOTHING in bench/stream-processor.bench.ts.
 */
export async function insertDetections(client: ClientBase, rows: readonly DetectionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const copy = new CopyBinaryWriter(rows.length * 320);
  for (const row of rows) {
    const e = row.event;
    copy
      .row(19)
      .uuid(e.eventId)
      .timestamptz(e.observedAt)
      .text(e.type)
      .text(e.kind)
      .text(e.source.type)
      .text(e.source.gatewayId)
      .text(e.source.deviceId)
      .float4(e.confidence)
      .float4Array(e.bbox)
      .text(e.trackId)
      .float8(e.location.lat)
      .float8(e.location.lon)
      .float4(e.location.accuracyM)
      .text(geoCellKey(e.location))
      .text(e.model?.name)
      .text(e.model?.version)
      .uuid(row.snapshotId)
      .uuid(row.incidentId)
      .text(row.cellId);
  }
  await pipeline(Readable.from([copy.finish()]), client.query(copyFrom(`COPY detections (${COLUMNS}) FROM STDIN (FORMAT binary)`)));
  return rows.length;
}
