import type { SensorReading } from '@gridsight/contracts';
import { checkReading, checkReadingsBody } from './sensorReadingsBody.js';

/** How one sensor's MQTT messages become readings (the `mqtt` sensor driver's mapping settings). */
export interface SensorPayloadMapping {
  /** `readings`: the Gridsight body; `number`: the payload is one number; `json`: an object whose fields are metrics. */
  readonly payload: 'readings' | 'number' | 'json';
  /** `number`: the metric of the value (or take it from a topic level). */
  readonly metric?: string;
  readonly metricTopicLevel?: number;
  readonly unit?: string;
  /** `json`: metric name → dotted path of its value in the object. */
  readonly fields?: Readonly<Record<string, string>>;
  readonly units?: Readonly<Record<string, string>>;
  /** `json`: dotted path of the observation time (ISO 8601, or Unix seconds or milliseconds). */
  readonly timeField?: string;
}

export const SENSOR_PAYLOAD_REJECTIONS = {
  too_large: 'the payload exceeds the size limit',
  not_json: 'the payload is not JSON',
  not_a_number: 'the payload is not one finite number',
  no_mapped_field: 'none of the mapped fields is in the payload',
  invalid_reading: 'a reading does not fit the contract (metric name, number)',
  invalid_time: 'the observation time is not a valid timestamp',
} as const;
export type SensorPayloadRejection = keyof typeof SENSOR_PAYLOAD_REJECTIONS;

export type MappedPayload =
  | { readonly ok: true; readonly readings: SensorReading[]; readonly observedAt?: Date }
  | { readonly ok: false; readonly reason: SensorPayloadRejection; readonly detail: string };

export const MAX_SENSOR_PAYLOAD_BYTES = 16 * 1024;
// Unix times below this are seconds: 1e11 s is the year 5138, 1e11 ms is March 1973.
const SECONDS_BELOW = 1e11;

const reject = (reason: SensorPayloadRejection, detail: string): MappedPayload => ({ ok: false, reason, detail });

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function toDate(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value < SECONDS_BELOW ? value * 1000 : value);
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) date = new Date(value);
  return date && Number.isFinite(date.getTime()) ? date : undefined;
}

function mapNumber(mapping: SensorPayloadMapping, topic: string, text: string): MappedPayload {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) return reject('not_a_number', `payload ${JSON.stringify(trimmed.slice(0, 40))}`);
  const metric = mapping.metricTopicLevel !== undefined ? topic.split('/')[mapping.metricTopicLevel] : mapping.metric;
  const checked = checkReading({ metric, value, ...(mapping.unit ? { unit: mapping.unit } : {}) });
  return checked.ok ? { ok: true, readings: [checked.reading] } : reject('invalid_reading', `metric ${JSON.stringify(metric)}: ${checked.problems.join('; ')}`);
}

function mapJson(mapping: SensorPayloadMapping, text: string): MappedPayload {
  const parsed = parseJson(text);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) return reject('not_json', 'expected a JSON object');
  const readings: SensorReading[] = [];
  for (const [metric, path] of Object.entries(mapping.fields ?? {})) {
    const raw = at(parsed.value, path);
    if (raw === undefined || raw === null) continue;
    // Contact and presence sensors report booleans: true is 1, so a rule can raise above 0.5.
    const value = typeof raw === 'boolean' ? Number(raw) : raw;
    const unit = mapping.units?.[metric];
    const checked = checkReading({ metric, value, ...(unit ? { unit } : {}) });
    if (!checked.ok) return reject('invalid_reading', `field ${path}: ${checked.problems.join('; ')}`);
    readings.push(checked.reading);
  }
  if (readings.length === 0) return reject('no_mapped_field', `none of ${Object.values(mapping.fields ?? {}).join(', ')}`);
  if (mapping.timeField === undefined) return { ok: true, readings };
  const observedAt = toDate(at(parsed.value, mapping.timeField));
  return observedAt ? { ok: true, readings, observedAt } : reject('invalid_time', `field ${mapping.timeField}`);
}

function mapReadings(text: string): MappedPayload {
  const parsed = parseJson(text);
  if (!parsed.ok) return reject('not_json', 'expected {"readings": [{"metric", "value", "unit"?}], "observedAt"?}');
  const checked = checkReadingsBody(parsed.value);
  if (!checked.ok) return reject('invalid_reading', checked.problems.slice(0, 5).join('; '));
  return { ok: true, readings: checked.body.readings, ...(checked.body.observedAt ? { observedAt: new Date(checked.body.observedAt) } : {}) };
}

/** One MQTT message of a sensor as readings, or why it cannot be used. */
export function mapSensorPayload(mapping: SensorPayloadMapping, topic: string, payload: Uint8Array): MappedPayload {
  if (payload.byteLength > MAX_SENSOR_PAYLOAD_BYTES) return reject('too_large', `${payload.byteLength} bytes, at most ${MAX_SENSOR_PAYLOAD_BYTES}`);
  const text = new TextDecoder('utf-8').decode(payload);
  if (mapping.payload === 'number') return mapNumber(mapping, topic, text);
  if (mapping.payload === 'json') return mapJson(mapping, text);
  return mapReadings(text);
}
