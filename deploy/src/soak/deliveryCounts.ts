import type pg from 'pg';

export interface StoredCounts {
  storedRows: number;
  storedDistinct: number;
  incidents: number;
  tickets: number;
  ticketsPerIncidentMax: number;
}

/** What the database holds; the soak's database is its own, so every row is the soak's. */
export async function storedCounts(db: pg.ClientBase): Promise<StoredCounts> {
  const { rows } = await db.query<{ rows: string; distinct_ids: string; incidents: string; tickets: string; most: string | null }>(
    `SELECT (SELECT count(*) FROM detections) AS rows,
            (SELECT count(DISTINCT event_id) FROM detections) AS distinct_ids,
            (SELECT count(*) FROM incidents) AS incidents,
            (SELECT count(*) FROM tickets) AS tickets,
            (SELECT max(n) FROM (SELECT count(*) AS n FROM tickets GROUP BY incident_id) AS per) AS most`,
  );
  const row = rows[0]!;
  return { storedRows: Number(row.rows), storedDistinct: Number(row.distinct_ids), incidents: Number(row.incidents), tickets: Number(row.tickets), ticketsPerIncidentMax: Number(row.most ?? 0) };
}

/** How many of the acknowledged events have no row. */
export async function countLost(db: pg.ClientBase, acknowledged: ReadonlySet<string>): Promise<number> {
  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM detections');
  const stored = new Set(rows.map((row) => row.event_id));
  let lost = 0;
  for (const id of acknowledged) if (!stored.has(id.toLowerCase())) lost++;
  return lost;
}
