import type { ClientBase } from 'pg';

/** Incidents whose held sightings were due by `now`, oldest due first (read before their cells are locked, so only a hint). */
export async function dueHeldSightings(client: Pick<ClientBase, 'query'>, now: Date, limit: number): Promise<Array<{ incidentId: string; geoCell: string }>> {
  const { rows } = await client.query<{ incident_id: string; geo_cell: string }>(
    `SELECT incident_id, geo_cell FROM incidents
      WHERE announce_due_at <= $1 ORDER BY announce_due_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => ({ incidentId: r.incident_id, geoCell: r.geo_cell }));
}
