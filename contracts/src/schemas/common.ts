import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './stringEnum.js';

/** Identifiers that appear in MQTT topics: no `/`, `+`, `#` or whitespace, so a topic level is never ambiguous. */
export const IDENTIFIER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';

// RFC 9562 UUID, version 7 (time-ordered), lower or upper case hex.
export const UUID_V7_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

// ISO 8601 in UTC with an explicit `Z`: every timestamp on the wire is comparable as written.
export const UTC_TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';

export const Identifier = (description: string) =>
  Type.String({ pattern: IDENTIFIER_PATTERN, minLength: 1, maxLength: 64, description, 'x-hint': 'an id of 1-64 letters, digits or _ . : - (no / + # or spaces)' });

export const UtcTimestamp = (description: string) =>
  Type.String({ format: 'date-time', pattern: UTC_TIMESTAMP_PATTERN, maxLength: 40, description, 'x-hint': 'an ISO 8601 UTC timestamp ending in Z, e.g. 2026-11-28T09:30:00.000Z' });

export const UuidV7 = (description: string) => Type.String({ pattern: UUID_V7_PATTERN, maxLength: 36, description, 'x-hint': 'a UUID version 7 (RFC 9562)' });
export const Uuid = (description: string) => Type.String({ pattern: UUID_PATTERN, maxLength: 36, description, 'x-hint': 'a UUID' });

export const GeoPoint = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'WGS 84 latitude in degrees' }),
    lon: Type.Number({ minimum: -180, maximum: 180, description: 'WGS 84 longitude in degrees' }),
  },
  { additionalProperties: false },
);
export type GeoPoint = Static<typeof GeoPoint>;

export const GeoLocation = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'WGS 84 latitude in degrees' }),
    lon: Type.Number({ minimum: -180, maximum: 180, description: 'WGS 84 longitude in degrees' }),
    accuracyM: Type.Number({
      minimum: 0,
      maximum: 10_000,
      description: 'Estimated horizontal error of the position in metres (1 sigma)',
    }),
  },
  { additionalProperties: false, description: 'Where the object is, not where the camera is (unless no ground projection is configured)' },
);
export type GeoLocation = Static<typeof GeoLocation>;

export const SOURCE_TYPES = ['camera', 'sensor', 'citizen'] as const;
export const SourceType = StringEnum(SOURCE_TYPES);
export type SourceType = (typeof SOURCE_TYPES)[number];

export const Source = Type.Object(
  {
    type: SourceType,
    gatewayId: Identifier('Gateway that published the observation (for citizen reports: the intake channel, e.g. `open311`)'),
    deviceId: Identifier('Camera or sensor on that gateway (for citizen reports: the report id)'),
  },
  { additionalProperties: false },
);
export type Source = Static<typeof Source>;

export const ModelInfo = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Model name from its metadata' }),
    version: Type.String({ minLength: 1, maxLength: 64, description: 'Model version from its metadata' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the model file, lower-case hex', 'x-hint': '64 lower-case hex digits' }),
  },
  { additionalProperties: false },
);
export type ModelInfo = Static<typeof ModelInfo>;
