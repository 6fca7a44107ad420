import assert from 'node:assert/strict';
import { anomalyEventCodec, SNAPSHOT_MAX_BYTES } from '../../src/index.js';
import { cameraEvent } from '../fixtures.js';

type Payload = string | Buffer | Record<string, unknown>;
interface Case {
  name: string;
  payload: Payload;
  field: string;
}

const valid = () => cameraEvent() as unknown as Record<string, unknown>;
const withField = (field: string, value: unknown) => ({ ...valid(), [field]: value });
const without = (field: string) => {
  const event = valid();
  delete event[field];
  return event;
};
const nested = (field: string, key: string, value: unknown) => ({ ...valid(), [field]: { ...(valid()[field] as object), [key]: value } });
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const bigJpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(bytes - 3, 7)]).toString('base64');

// JSON text cannot carry NaN or Infinity; a sender that writes them produces invalid JSON.
const rawWith = (field: string, literal: string) => JSON.stringify(withField(field, '__X__')).replace('"__X__"', literal);

const corpus: Case[] = [
  { name: 'empty payload', payload: '', field: '$' },
  { name: 'zero bytes as a buffer', payload: Buffer.alloc(0), field: '$' },
  { name: 'non-JSON text', payload: 'garbage pile at the corner', field: '$' },
  { name: 'non-UTF-8 bytes', payload: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), field: '$' },
  { name: 'a JPEG instead of JSON', payload: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), field: '$' },
  { name: 'truncated JSON', payload: JSON.stringify(valid()).slice(0, 60), field: '$' },
  { name: 'JSON null', payload: 'null', field: '$' },
  { name: 'JSON array', payload: '[1,2,3]', field: '$' },
  { name: 'JSON number', payload: '42', field: '$' },
  { name: 'JSON string', payload: '"anomaly/v1"', field: '$' },
  { name: 'NaN literal for confidence', payload: rawWith('confidence', 'NaN'), field: '$' },
  { name: 'Infinity literal for confidence', payload: rawWith('confidence', 'Infinity'), field: '$' },
  { name: 'NaN value in memory', payload: withField('confidence', Number.NaN), field: 'confidence' },
  { name: 'Infinity latitude in memory', payload: nested('location', 'lat', Number.POSITIVE_INFINITY), field: 'location.lat' },
  { name: 'missing schema', payload: without('schema'), field: 'schema' },
  { name: 'unknown schema version', payload: withField('schema', 'anomaly/v2'), field: 'schema' },
  { name: 'schema of another message', payload: withField('schema', 'telemetry/v1'), field: 'schema' },
  { name: 'missing eventId', payload: without('eventId'), field: 'eventId' },
  { name: 'eventId not a UUID', payload: withField('eventId', 'evt-1'), field: 'eventId' },
  { name: 'eventId a UUIDv4, not v7', payload: withField('eventId', '3b241101-e2bb-4255-8caf-4136c566a962'), field: 'eventId' },
  { name: 'eventId as a number', payload: withField('eventId', 12345), field: 'eventId' },
  { name: 'unknown event type', payload: withField('type', 'spotted'), field: 'type' },
  { name: 'unknown kind', payload: withField('kind', 'pothole'), field: 'kind' },
  { name: 'kind with wrong case', payload: withField('kind', 'Garbage_Pile'), field: 'kind' },
  { name: 'missing source', payload: without('source'), field: 'source' },
  { name: 'unknown source type', payload: nested('source', 'type', 'drone'), field: 'source.type' },
  { name: 'gatewayId with a topic wildcard', payload: nested('source', 'gatewayId', 'gw/#'), field: 'source.gatewayId' },
  { name: 'empty deviceId', payload: nested('source', 'deviceId', ''), field: 'source.deviceId' },
  { name: 'observedAt not a timestamp', payload: withField('observedAt', 'yesterday'), field: 'observedAt' },
  { name: 'observedAt without a UTC zone', payload: withField('observedAt', '2026-11-28T09:30:00+08:00'), field: 'observedAt' },
  { name: 'observedAt on day 32', payload: withField('observedAt', '2026-11-32T09:30:00Z'), field: 'observedAt' },
  { name: 'observedAt as epoch millis', payload: withField('observedAt', 1764322200000), field: 'observedAt' },
  { name: 'confidence 1.2', payload: withField('confidence', 1.2), field: 'confidence' },
  { name: 'negative confidence', payload: withField('confidence', -0.1), field: 'confidence' },
  { name: 'confidence as a string', payload: withField('confidence', '0.9'), field: 'confidence' },
  { name: 'latitude 91', payload: nested('location', 'lat', 91), field: 'location.lat' },
  { name: 'longitude -181', payload: nested('location', 'lon', -181), field: 'location.lon' },
  { name: 'negative accuracy', payload: nested('location', 'accuracyM', -3), field: 'location.accuracyM' },
  { name: 'location without accuracy', payload: withField('location', { lat: 31.2, lon: 121.4 }), field: 'location.accuracyM' },
  { name: 'location as a string', payload: withField('location', '31.2,121.4'), field: 'location' },
  { name: 'bbox coordinate above 1', payload: withField('bbox', [0.1, 0.2, 1.5, 0.1]), field: 'bbox[2]' },
  { name: 'bbox with negative x', payload: withField('bbox', [-0.1, 0.2, 0.1, 0.1]), field: 'bbox[0]' },
  { name: 'bbox spilling out of the frame', payload: withField('bbox', [0.8, 0.2, 0.5, 0.1]), field: 'bbox' },
  { name: 'bbox in pixels', payload: withField('bbox', [410, 520, 200, 180]), field: 'bbox[0]' },
  { name: 'bbox with three numbers', payload: withField('bbox', [0.1, 0.2, 0.3]), field: 'bbox' },
  { name: 'bbox with zero width', payload: withField('bbox', [0.1, 0.2, 0, 0.1]), field: 'bbox[2]' },
  { name: 'model sha256 too short', payload: nested('model', 'sha256', 'abc123'), field: 'model.sha256' },
  { name: 'snapshot that is not base64', payload: withField('snapshot', 'not base64 at all!'), field: 'snapshot' },
  { name: 'snapshot that is a PNG', payload: withField('snapshot', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]).toString('base64')), field: 'snapshot' },
  { name: 'snapshot over 64 KiB', payload: withField('snapshot', bigJpeg(SNAPSHOT_MAX_BYTES + 1)), field: 'snapshot' },
  { name: 'a 10 MB string in a field', payload: withField('note', 'x'.repeat(10 * 1024 * 1024)), field: 'note' },
  { name: 'a 10 MB payload on the wire', payload: JSON.stringify(withField('note', 'x'.repeat(10 * 1024 * 1024))), field: '$' },
  { name: 'deeply nested JSON within the size limit', payload: deepArrays(40_000), field: '$' },
  { name: 'deep nesting inside an unknown field', payload: JSON.stringify(valid()).replace(/}$/, `,"extra":${deep(5000)}}`), field: 'extra' },
  { name: 'an unknown field', payload: withField('severity', 'high'), field: 'severity' },
  { name: 'a __proto__ key', payload: JSON.stringify(valid()).replace(/}$/, ',"__proto__":{"admin":true}}'), field: '__proto__' },
  { name: 'trackId with spaces', payload: withField('trackId', 'track 17'), field: 'trackId' },
  { name: 'measurement metric not snake_case', payload: withField('measurement', { metric: 'Tilt Degrees', value: 3 }), field: 'measurement.metric' },
];

describe('AnomalyEvent: malformed payloads', () => {
  it(`has a corpus of at least 40 distinct cases (${corpus.length})`, () => {
    assert.ok(corpus.length >= 40);
    assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length);
  });

  for (const { name, payload, field } of corpus) {
    it(`rejects ${name}, naming \`${field}\``, () => {
      const result = typeof payload === 'string' || Buffer.isBuffer(payload) ? anomalyEventCodec.decode(payload) : anomalyEventCodec.check(payload);
      assert.equal(result.ok, false, 'payload was accepted');
      if (result.ok) return;
      const fields = result.error.errors.map((e) => e.field);
      assert.ok(fields.includes(field), `expected an error on ${field}, got ${JSON.stringify(result.error.errors)}`);
      for (const error of result.error.errors) assert.ok(error.reason.length > 0 && error.reason.length < 300, `reason is explained briefly: ${error.reason.slice(0, 80)}`);
      assert.ok(result.error.message.startsWith('AnomalyEvent: '));
    });
  }
});
