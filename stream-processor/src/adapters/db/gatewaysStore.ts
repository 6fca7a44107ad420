import type { GatewayStatusRecord } from '@gridsight/contracts';
import type { ClientBase } from 'pg';

/**
 * Status columns of `gateways`, upserted. A status from a gateway the registry does not hold yet
 * makes a row with no credentials (secret_hash NULL, so the broker lets nobody in with it) that
 * provisioning later fills in; ops sees every gateway that spoke. Credential columns are never
 * touched here. A status older than the stored one (by broker receipt time) is ignored.
 */
export async function upsertGatewayStatuses(client: Pick<ClientBase, 'query'>, records: readonly GatewayStatusRecord[]): Promise<void> {
  // The last word per gateway within the batch; older ones would be overwritten anyway.
  const latest = new Map<string, GatewayStatusRecord>();
  for (const record of records) {
    const seen = latest.get(record.status.gatewayId);
    if (!seen || Date.parse(record.receivedAt) >= Date.parse(seen.receivedAt)) latest.set(record.status.gatewayId, record);
  }
  const rows = [...latest.values()].sort((a, b) => a.status.gatewayId.localeCompare(b.status.gatewayId));
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO gateways (gateway_id, online, last_seen_at, agent_version, model, cameras)
     SELECT * FROM unnest($1::text[], $2::boolean[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::jsonb[])
     ON CONFLICT (gateway_id) DO UPDATE SET
       online = excluded.online, last_seen_at = excluded.last_seen_at,
       agent_version = coalesce(excluded.agent_version, gateways.agent_version),
       model = coalesce(excluded.model, gateways.model),
       cameras = coalesce(excluded.cameras, gateways.cameras)
     WHERE gateways.last_seen_at IS NULL OR gateways.last_seen_at <= excluded.last_seen_at`,
    [
      rows.map((r) => r.status.gatewayId),
      rows.map((r) => r.status.state === 'online'),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.status.agentVersion ?? null),
      rows.map((r) => (r.status.model ? JSON.stringify(r.status.model) : null)),
      rows.map((r) => (r.status.cameras ? JSON.stringify(r.status.cameras) : null)),
    ],
  );
}
