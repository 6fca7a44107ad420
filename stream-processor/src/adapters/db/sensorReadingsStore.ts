import type { SensorTelemetry } from '@gridsight/contracts';
import type { ClientBase } from 'pg';

/** Every reading once: a re-delivered message repeats (gateway, device, metric, observedAt) and is ignored. */
export async function insertSensorReadings(client: Pick<ClientBase, 'query'>, messages: readonly SensorTelemetry[]): Promise<number> {
  const rows = messages.flatMap((m) => m.readings.map((r) => ({ m, r })));
  if (rows.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO sensor_readings (gateway_id, device_id, metric, observed_at, value, unit)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[])
     ON CONFLICT DO NOTHING`,
    [
      rows.map(({ m }) => m.gatewayId),
      rows.map(({ m }) => m.deviceId),
      rows.map(({ r }) => r.metric),
      rows.map(({ m }) => m.observedAt),
      rows.map(({ r }) => r.value),
      rows.map(({ r }) => r.unit ?? null),
    ],
  );
  return result.rowCount ?? 0;
}
