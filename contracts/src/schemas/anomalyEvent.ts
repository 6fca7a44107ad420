import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './stringEnum.js';
import { ANOMALY_KINDS } from './anomalyKinds.js';
import { GeoLocation, Identifier, ModelInfo, Source, UtcTimestamp, UuidV7 } from './common.js';

export const ANOMALY_EVENT_SCHEMA = 'anomaly/v1';
export const ANOMALY_EVENT_TYPES = ['detected', 'updated', 'cleared'] as const;
export type AnomalyEventType = (typeof ANOMALY_EVENT_TYPES)[number];

/** Decoded JPEG bytes allowed in `snapshot`. */
export const SNAPSHOT_MAX_BYTES = 64 * 1024;
export const SNAPSHOT_MAX_BASE64_CHARS = Math.ceil(SNAPSHOT_MAX_BYTES / 3) * 4;
// A JPEG starts with FF D8 FF, which is `/9j/` in base64; the groups of four keep the regex linear.
const JPEG_BASE64_PATTERN = '^/9j/(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

export const BoundingBox = Type.Tuple(
  [
    Type.Number({ minimum: 0, maximum: 1, description: 'left edge, fraction of image width' }),
    Type.Number({ minimum: 0, maximum: 1, description: 'top edge, fraction of image height' }),
    Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'width, fraction of image width' }),
    Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'height, fraction of image height' }),
  ],
  { description: '[x, y, w, h] normalised to the image; x + w and y + h stay within 1' },
);
export type BoundingBox = Static<typeof BoundingBox>;

export const SensorMeasurement = Type.Object(
  {
    metric: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', 'x-hint': 'a snake_case metric name', description: 'e.g. `tilt_deg`, `fill_pct`' }),
    value: Type.Number(),
    unit: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false, description: 'The reading that made a sensor rule fire' },
);
export type SensorMeasurement = Static<typeof SensorMeasurement>;

export const AnomalyEvent = Type.Object(
  {
    schema: Type.Literal(ANOMALY_EVENT_SCHEMA),
    eventId: UuidV7('Made at the edge; the idempotency key end to end'),
    type: StringEnum(ANOMALY_EVENT_TYPES, { description: 'detected on confirmation, updated on meaningful change or still-present, cleared when gone for T seconds' }),
    kind: StringEnum(ANOMALY_KINDS, { description: 'Class name from the model metadata, or the kind a sensor rule raises' }),
    source: Source,
    observedAt: UtcTimestamp('When the observation was made, UTC'),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    bbox: Type.Optional(BoundingBox),
    trackId: Type.Optional(Identifier('Edge tracker id; stable for one object on one camera')),
    location: GeoLocation,
    model: Type.Optional(ModelInfo),
    measurement: Type.Optional(SensorMeasurement),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Free text, e.g. a citizen report description' })),
    snapshot: Type.Optional(
      Type.String({
        maxLength: SNAPSHOT_MAX_BASE64_CHARS,
        pattern: JPEG_BASE64_PATTERN,
        'x-hint': 'a base64-encoded JPEG',
        description: 'JPEG crop of the detection, base64, at most 64 KiB decoded',
      }),
    ),
  },
  {
    $id: 'https://gridsight.dev/schemas/anomaly-v1.json',
    title: 'AnomalyEvent',
    description: 'A confirmed observation of a street anomaly, published on v1/gateways/{gatewayId}/events with QoS 1',
    additionalProperties: false,
    allOf: [
      {
        if: { type: 'object', required: ['source'], properties: { source: { type: 'object', required: ['type'], properties: { type: { const: 'camera' } } } } },
        then: { required: ['bbox', 'trackId', 'model'] },
      },
      {
        if: { type: 'object', required: ['source'], properties: { source: { type: 'object', required: ['type'], properties: { type: { const: 'sensor' } } } } },
        then: { required: ['measurement'] },
      },
    ],
  },
);
export type AnomalyEvent = Static<typeof AnomalyEvent>;
