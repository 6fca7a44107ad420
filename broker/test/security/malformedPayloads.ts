import { anomalyEvent } from '../support/fixtures.js';

export interface MalformedCase {
  name: string;
  payload: Buffer;
  /** The error code in the DLQ record. */
  code: string;
  /** A field the DLQ reason must name. */
  field: string;
}

// In the style of contracts/test/validation/malformedAnomalyEvents.test.ts, but sent over MQTT by a
// real gateway connection: each must be acknowledged and land in the DLQ with its reason.
export function malformedEvents(gatewayId: string): MalformedCase[] {
  const valid = () => anomalyEvent(gatewayId) as unknown as Record<string, unknown>;
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const withField = (field: string, value: unknown) => json({ ...valid(), [field]: value });
  const without = (field: string) => {
    const event = valid();
    delete event[field];
    return json(event);
  };
  const nested = (field: string, key: string, value: unknown) => json({ ...valid(), [field]: { ...(valid()[field] as object), [key]: value } });
  const schema = 'CONTRACT_SCHEMA_VIOLATION';
  const cases: Array<[string, Buffer, string, string]> = [
    ['empty payload', Buffer.alloc(0), 'CONTRACT_INVALID_JSON', '$'],
    ['plain text', Buffer.from('garbage pile at the corner'), 'CONTRACT_INVALID_JSON', '$'],
    ['non-UTF-8 bytes', Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), 'CONTRACT_INVALID_UTF8', '$'],
    ['a JPEG instead of JSON', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), 'CONTRACT_INVALID_UTF8', '$'],
    ['truncated JSON', json(valid()).subarray(0, 60), 'CONTRACT_INVALID_JSON', '$'],
    ['JSON null', Buffer.from('null'), schema, '$'],
    ['JSON array', Buffer.from('[1,2,3]'), schema, '$'],
    ['JSON number', Buffer.from('42'), schema, '$'],
    ['JSON string', Buffer.from('"anomaly/v1"'), schema, '$'],
    ['NaN literal', Buffer.from(JSON.stringify(valid()).replace(/"confidence":[\d.]+/, '"confidence":NaN')), 'CONTRACT_INVALID_JSON', '$'],
    ['Infinity literal', Buffer.from(JSON.stringify(valid()).replace(/"confidence":[\d.]+/, '"confidence":Infinity')), 'CONTRACT_INVALID_JSON', '$'],
    ['missing schema', without('schema'), schema, 'schema'],
    ['schema v2', withField('schema', 'anomaly/v2'), schema, 'schema'],
    ['schema of telemetry', withField('schema', 'telemetry/v1'), schema, 'schema'],
    ['missing eventId', without('eventId'), schema, 'eventId'],
    ['eventId not a UUID', withField('eventId', 'evt-1'), schema, 'eventId'],
    ['eventId UUIDv4', withField('eventId', '3b241101-e2bb-4255-8caf-4136c566a962'), schema, 'eventId'],
    ['eventId a number', withField('eventId', 12345), schema, 'eventId'],
    ['unknown type', withField('type', 'spotted'), schema, 'type'],
    ['type null', withField('type', null), schema, 'type'],
    ['unknown kind', withField('kind', 'pothole'), schema, 'kind'],
    ['kind in the wrong case', withField('kind', 'Garbage_Pile'), schema, 'kind'],
    ['missing source', without('source'), schema, 'source'],
    ['source a string', withField('source', gatewayId), schema, 'source'],
    ['unknown source type', nested('source', 'type', 'drone'), schema, 'source.type'],
    ['gatewayId with a wildcard', nested('source', 'gatewayId', 'gw/#'), schema, 'source.gatewayId'],
    ['gatewayId of another gateway', nested('source', 'gatewayId', 'someone-else'), 'BRIDGE_GATEWAY_MISMATCH', 'source.gatewayId'],
    ['empty deviceId', nested('source', 'deviceId', ''), schema, 'source.deviceId'],
    ['extra field in source', nested('source', 'firmware', '1.2'), schema, 'source.firmware'],
    ['observedAt not a time', withField('observedAt', 'yesterday'), schema, 'observedAt'],
    ['observedAt with an offset', withField('observedAt', '2026-11-28T09:30:00+08:00'), schema, 'observedAt'],
    ['observedAt day 32', withField('observedAt', '2026-11-32T09:30:00Z'), schema, 'observedAt'],
    ['observedAt epoch millis', withField('observedAt', 1764322200000), schema, 'observedAt'],
    ['confidence 1.2', withField('confidence', 1.2), schema, 'confidence'],
    ['confidence negative', withField('confidence', -0.1), schema, 'confidence'],
    ['confidence a string', withField('confidence', '0.9'), schema, 'confidence'],
    ['missing location', without('location'), schema, 'location'],
    ['latitude 91', nested('location', 'lat', 91), schema, 'location.lat'],
    ['longitude -181', nested('location', 'lon', -181), schema, 'location.lon'],
    ['latitude a string', nested('location', 'lat', '31.2'), schema, 'location.lat'],
    ['negative accuracy', nested('location', 'accuracyM', -1), schema, 'location.accuracyM'],
    ['missing accuracy', json({ ...valid(), location: { lat: 31.2, lon: 121.4 } }), schema, 'location.accuracyM'],
    ['bbox with three numbers', withField('bbox', [0.1, 0.1, 0.2]), schema, 'bbox'],
    ['bbox outside the image', withField('bbox', [0.9, 0.9, 0.5, 0.5]), schema, 'bbox'],
    ['bbox negative', withField('bbox', [-0.1, 0.1, 0.2, 0.2]), schema, 'bbox[0]'],
    ['model sha256 too short', nested('model', 'sha256', 'abc'), schema, 'model.sha256'],
    ['model without version', json({ ...valid(), model: { name: 'm', sha256: 'ab'.repeat(32) } }), schema, 'model.version'],
    ['snapshot not base64', withField('snapshot', '***not base64***'), schema, 'snapshot'],
    ['snapshot over 64 KiB', withField('snapshot', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(70_000, 7)]).toString('base64')), schema, 'snapshot'],
    ['payload over the message limit', withField('note', 'x'.repeat(150_000)), 'CONTRACT_PAYLOAD_TOO_LARGE', '$'],
    ['unknown top-level field', withField('severity', 'high'), schema, 'severity'],
    ['prototype pollution key', Buffer.from(JSON.stringify(valid()).replace(/^\{/, '{"__proto__":{"admin":true},')), schema, '__proto__'],
    ['deeply nested JSON', Buffer.from(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`), schema, 'a'],
    ['huge number', Buffer.from(JSON.stringify(valid()).replace(/"confidence":[\d.]+/, '"confidence":1e400')), schema, 'confidence'],
    ['everything wrong at once', json({ schema: 'anomaly/v1', eventId: 1, type: 2, kind: 3, source: 4, observedAt: 5, confidence: 6, location: 7 }), schema, 'eventId'],
    ['trailing garbage after JSON', Buffer.concat([json(valid()), Buffer.from('}}')]), 'CONTRACT_INVALID_JSON', '$'],
  ];
  return cases.map(([name, payload, code, field]) => ({ name, payload, code, field }));
}
