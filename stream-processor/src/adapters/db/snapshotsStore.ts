import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { stableUuid } from '../../core/ids.js';

export interface Snapshot {
  sha256: string;
  bytes: Buffer;
}

export function snapshotFromBase64(base64: string): Snapshot {
  const bytes = Buffer.from(base64, 'base64');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/**
 * Stores each distinct JPEG once (unique sha256) and returns sha256 → snapshot_id for all of
 * them, new or already stored. Rows go in sha256 order so that two transactions storing the same
 * pictures wait for each other in one order, never in a circle.
 */
export async function storeSnapshots(client: Pick<ClientBase, 'query'>, snapshots: readonly Snapshot[]): Promise<Map<string, string>> {
  const unique = [...new Map(snapshots.map((s) => [s.sha256, s])).values()].sort((a, b) => a.sha256.localeCompare(b.sha256));
  if (unique.length === 0) return new Map();
  await client.query(
    `INSERT INTO snapshots (snapshot_id, sha256, bytes)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])
     ON CONFLICT (sha256) DO NOTHING`,
    [unique.map((s) => stableUuid('snapshot', s.sha256)), unique.map((s) => s.sha256), unique.map((s) => s.bytes)],
  );
  const { rows } = await client.query<{ sha256: string; snapshot_id: string }>('SELECT sha256, snapshot_id FROM snapshots WHERE sha256 = ANY($1::text[])', [
    unique.map((s) => s.sha256),
  ]);
  return new Map(rows.map((r) => [r.sha256, r.snapshot_id]));
}
