import { Type, type Static } from '@sinclair/typebox';
import { UtcTimestamp } from './common.js';

export const DLQ_RECORD_SCHEMA = 'dlq/v1';
/** Bytes of the rejected payload kept in a DLQ record; the rest is cut and flagged. */
export const DLQ_PAYLOAD_MAX_BYTES = 256 * 1024;

export const FieldError = Type.Object(
  {
    field: Type.String({ description: 'Dotted path of the offending field; `$` is the whole payload' }),
    reason: Type.String(),
  },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

/** Kafka `anomaly-events.dlq`: the original bytes and why they were refused. */
export const DlqRecord = Type.Object(
  {
    schema: Type.Literal(DLQ_RECORD_SCHEMA),
    rejectedAt: UtcTimestamp('When the payload was refused'),
    reason: Type.Object(
      {
        code: Type.String({ description: 'Stable error code, e.g. CONTRACT_INVALID_JSON' }),
        message: Type.String(),
        errors: Type.Array(FieldError),
      },
      { additionalProperties: false },
    ),
    origin: Type.Object(
      {
        component: Type.String({ description: 'Who refused it: broker, stream-processor, ...' }),
        channel: Type.String({ description: 'MQTT topic or Kafka topic it came from' }),
        clientId: Type.Optional(Type.String()),
        partition: Type.Optional(Type.Integer()),
        offset: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    payloadBase64: Type.String(),
    payloadBytes: Type.Integer({ minimum: 0, description: 'Size of the original payload' }),
    payloadTruncated: Type.Boolean(),
  },
  { $id: 'https://gridsight.dev/schemas/dlq-v1.json', title: 'DlqRecord', additionalProperties: false },
);
export type DlqRecord = Static<typeof DlqRecord>;
