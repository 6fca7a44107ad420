import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './stringEnum.js';
import { Identifier, ModelInfo, UtcTimestamp } from './common.js';

export const GATEWAY_STATUS_SCHEMA = 'gateway-status/v1';
export const GATEWAY_STATUS_RECORD_SCHEMA = 'gateway-status-record/v1';

export const CameraHealth = Type.Object(
  {
    deviceId: Identifier('Camera id'),
    state: StringEnum(['ok', 'failing', 'stopped']),
    fps: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    lastError: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CameraHealth = Static<typeof CameraHealth>;

/** Retained on v1/gateways/{gatewayId}/status; the connection's Last Will publishes `offline`. */
export const GatewayStatus = Type.Object(
  {
    schema: Type.Literal(GATEWAY_STATUS_SCHEMA),
    gatewayId: Identifier('Gateway id; equals the MQTT client id'),
    state: StringEnum(['online', 'offline']),
    at: UtcTimestamp('When the gateway produced this status (for a Last Will: when it connected)'),
    agentVersion: Type.Optional(Type.String({ maxLength: 32 })),
    model: Type.Optional(ModelInfo),
    cameras: Type.Optional(Type.Array(CameraHealth, { maxItems: 64 })),
  },
  {
    $id: 'https://gridsight.dev/schemas/gateway-status-v1.json',
    title: 'GatewayStatus',
    additionalProperties: false,
  },
);
export type GatewayStatus = Static<typeof GatewayStatus>;

/** What the broker writes to Kafka `gateway-status`: the gateway's word plus the broker's clock. */
export const GatewayStatusRecord = Type.Object(
  {
    schema: Type.Literal(GATEWAY_STATUS_RECORD_SCHEMA),
    receivedAt: UtcTimestamp('Broker time of receipt'),
    status: GatewayStatus,
  },
  { $id: 'https://gridsight.dev/schemas/gateway-status-record-v1.json', title: 'GatewayStatusRecord', additionalProperties: false },
);
export type GatewayStatusRecord = Static<typeof GatewayStatusRecord>;
