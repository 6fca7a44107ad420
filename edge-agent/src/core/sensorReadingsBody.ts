import { SensorReading, UTC_TIMESTAMP_PATTERN } from '@gridsight/contracts';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';

/** What a sensor hands the agent in its own words: the body of the HTTP input and the `readings` MQTT payload. */
export const SensorReadingsBody = Type.Object(
  {
    observedAt: Type.Optional(Type.String({ pattern: UTC_TIMESTAMP_PATTERN })),
    readings: Type.Array(SensorReading, { minItems: 1, maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type SensorReadingsBody = Static<typeof SensorReadingsBody>;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateBody = ajv.compile<SensorReadingsBody>(SensorReadingsBody);
const validateReading = ajv.compile<SensorReading>(SensorReading);

const describe = (errors: typeof validateBody.errors): string[] => (errors ?? []).map((e) => `${e.instancePath || '$'} ${e.message ?? 'is invalid'}`);

/** The body, or the list of what is wrong with it (each naming its field). */
export function checkReadingsBody(value: unknown): { ok: true; body: SensorReadingsBody } | { ok: false; problems: string[] } {
  return validateBody(value) ? { ok: true, body: value } : { ok: false, problems: describe(validateBody.errors) };
}

export function checkReading(value: unknown): { ok: true; reading: SensorReading } | { ok: false; problems: string[] } {
  return validateReading(value) ? { ok: true, reading: value } : { ok: false, problems: describe(validateReading.errors) };
}
