import { Type, type Static } from '@sinclair/typebox';
import { GeoPoint, Identifier, UtcTimestamp } from './common.js';

export const SENSOR_TELEMETRY_SCHEMA = 'telemetry/v1';

export const SensorReading = Type.Object(
  {
    metric: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', 'x-hint': 'a snake_case metric name', description: 'e.g. `tilt_deg`, `fill_pct`, `battery_v`' }),
    value: Type.Number(),
    unit: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false },
);
export type SensorReading = Static<typeof SensorReading>;

/** Raw readings on v1/gateways/{gatewayId}/telemetry, forwarded to Kafka `sensor-telemetry`. */
export const SensorTelemetry = Type.Object(
  {
    schema: Type.Literal(SENSOR_TELEMETRY_SCHEMA),
    gatewayId: Identifier('Gateway id'),
    deviceId: Identifier('Sensor id on that gateway'),
    observedAt: UtcTimestamp('When the readings were taken, UTC'),
    location: Type.Optional(GeoPoint),
    readings: Type.Array(SensorReading, { minItems: 1, maxItems: 64 }),
  },
  {
    $id: 'https://gridsight.dev/schemas/telemetry-v1.json',
    title: 'SensorTelemetry',
    additionalProperties: false,
  },
);
export type SensorTelemetry = Static<typeof SensorTelemetry>;
