import { strict as assert } from 'node:assert';
import { mapSensorPayload, MAX_SENSOR_PAYLOAD_BYTES, type MappedPayload, type SensorPayloadMapping } from '../../src/core/sensorPayload.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const map = (mapping: SensorPayloadMapping, payload: string, topic = 'sensors/mh-1/tilt_deg') => mapSensorPayload(mapping, topic, bytes(payload));
const reason = (mapped: MappedPayload) => (mapped.ok ? 'ok' : mapped.reason);

describe('sensor payload mapping', () => {
  describe('readings (the body the HTTP input takes)', () => {
    const mapping: SensorPayloadMapping = { payload: 'readings' };

    it('takes the readings and the observation time', () => {
      const mapped = map(mapping, '{"observedAt":"2026-11-28T10:00:00.000Z","readings":[{"metric":"tilt_deg","value":21.5,"unit":"deg"},{"metric":"battery_v","value":3.1}]}');
      assert.deepEqual(mapped, { ok: true, readings: [{ metric: 'tilt_deg', value: 21.5, unit: 'deg' }, { metric: 'battery_v', value: 3.1 }], observedAt: new Date('2026-11-28T10:00:00.000Z') });
    });

    it('names the bad field of a reading that breaks the contract', () => {
      const mapped = map(mapping, '{"readings":[{"metric":"Tilt °","value":"high"}]}');
      assert.equal(reason(mapped), 'invalid_reading');
      assert.match(mapped.ok ? '' : mapped.detail, /\/readings\/0\/metric/);
      assert.equal(reason(map(mapping, '{"readings":[]}')), 'invalid_reading');
      assert.equal(reason(map(mapping, '{"readings":[{"metric":"x","value":1}],"observedAt":"yesterday"}')), 'invalid_reading');
      assert.equal(reason(map(mapping, 'tilt=21')), 'not_json');
    });
  });

  describe('number', () => {
    it('reads a bare number under the configured metric and unit', () => {
      assert.deepEqual(map({ payload: 'number', metric: 'fill_pct', unit: '%' }, ' 93.5\n'), { ok: true, readings: [{ metric: 'fill_pct', value: 93.5, unit: '%' }] });
    });

    it('takes the metric from a level of the topic', () => {
      assert.deepEqual(map({ payload: 'number', metricTopicLevel: 2 }, '-4', 'sensors/mh-1/tilt_deg'), { ok: true, readings: [{ metric: 'tilt_deg', value: -4 }] });
      assert.equal(reason(map({ payload: 'number', metricTopicLevel: 2 }, '4', 'sensors/mh-1/Tilt Deg')), 'invalid_reading');
      assert.equal(reason(map({ payload: 'number', metricTopicLevel: 5 }, '4', 'sensors/mh-1/tilt_deg')), 'invalid_reading');
    });

    it('refuses anything but one finite number', () => {
      for (const payload of ['', ' ', 'high', '12 13', 'NaN', 'Infinity', '{"v":1}', '0x']) {
        assert.equal(reason(map({ payload: 'number', metric: 'fill_pct' }, payload)), 'not_a_number', payload);
      }
    });
  });

  describe('json (fields mapped to metrics)', () => {
    const mapping: SensorPayloadMapping = { payload: 'json', fields: { tilt_deg: 'angle.x', battery_pct: 'battery', contact: 'contact' }, units: { tilt_deg: 'deg' }, timeField: 'ts' };

    it('maps nested fields, booleans as 1/0, and the time in Unix seconds, milliseconds or ISO 8601', () => {
      assert.deepEqual(map(mapping, '{"angle":{"x":17.2,"y":0},"battery":88,"contact":false,"ts":1795860000,"linkquality":120}'), {
        ok: true,
        readings: [{ metric: 'tilt_deg', value: 17.2, unit: 'deg' }, { metric: 'battery_pct', value: 88 }, { metric: 'contact', value: 0 }],
        observedAt: new Date(1795860000 * 1000),
      });
      const ms = map(mapping, '{"battery":88,"ts":1795860000123}');
      assert.equal(ms.ok && ms.observedAt?.getTime(), 1795860000123);
      const iso = map(mapping, '{"battery":88,"ts":"2026-11-28T10:00:00+01:00"}');
      assert.equal(iso.ok && iso.observedAt?.toISOString(), '2026-11-28T09:00:00.000Z');
    });

    it('uses the fields that are there and refuses a message with none of them', () => {
      const partial = map({ payload: 'json', fields: { tilt_deg: 'tilt', battery_pct: 'battery' } }, '{"tilt":3}');
      assert.deepEqual(partial, { ok: true, readings: [{ metric: 'tilt_deg', value: 3 }] });
      assert.equal(reason(map({ payload: 'json', fields: { tilt_deg: 'tilt' } }, '{"linkquality":120}')), 'no_mapped_field');
      assert.equal(reason(map({ payload: 'json', fields: { tilt_deg: 'tilt.__proto__' } }, '{"tilt":{}}')), 'no_mapped_field');
    });

    it('refuses what is not an object, a field that is not a number, and a bad time', () => {
      assert.equal(reason(map(mapping, '[1,2]')), 'not_json');
      assert.equal(reason(map(mapping, '17')), 'not_json');
      assert.equal(reason(map(mapping, '{"angle":')), 'not_json');
      assert.equal(reason(map(mapping, '{"battery":"88%","ts":1795860000}')), 'invalid_reading');
      assert.equal(reason(map(mapping, '{"battery":88,"ts":"last tuesday"}')), 'invalid_time');
      assert.equal(reason(map(mapping, '{"battery":88}')), 'invalid_time');
    });
  });

  it('refuses a payload above the size limit before reading it', () => {
    const mapped = mapSensorPayload({ payload: 'readings' }, 't', new Uint8Array(MAX_SENSOR_PAYLOAD_BYTES + 1));
    assert.equal(reason(mapped), 'too_large');
  });
});
