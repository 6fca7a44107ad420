import { strict as assert } from 'node:assert';
import type { AnomalyEvent, SensorTelemetry } from '@gridsight/contracts';
import { createSensorChannel } from '../../src/adapters/sensorChannel.js';
import { startSensorMqttInput, type SensorMqttInput, type SensorMqttInputOptions } from '../../src/adapters/sensorMqttInput.js';
import type { SensorConfig } from '../../src/config.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/processes.js';

const location = { lat: 52.5, lon: 13.4, accuracyM: 2 };
const manhole: SensorConfig = {
  id: 'mh-1',
  location,
  driver: { type: 'mqtt', topic: 'zigbee2mqtt/mh-1', payload: 'json', fields: { tilt_deg: 'angle.x', battery_pct: 'battery' }, units: { tilt_deg: 'deg' } },
  rules: [{ metric: 'tilt_deg', kind: 'manhole_open', raiseAbove: 15, holdMs: 0, clearBelow: 5, clearHoldMs: 0 }],
};
const bin: SensorConfig = {
  id: 'bin-7',
  location,
  driver: { type: 'mqtt', topic: 'sensors/bin-7/+', payload: 'number', metricTopicLevel: 2, unit: '%' },
  rules: [{ metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, holdMs: 0, clearBelow: 60, clearHoldMs: 0 }],
};
const own: SensorConfig = { id: 'own-1', location, driver: { type: 'mqtt', topic: 'gridsight/own-1', payload: 'readings' }, rules: [] };

interface Seen {
  events: AnomalyEvent[];
  telemetry: SensorTelemetry[];
  rejected: Array<{ sensorId: string; reason: string; detail: string }>;
  errors: string[];
  connected: boolean[];
}

describe('sensor MQTT input (Debian mosquitto, readings from mosquitto_pub)', function () {
  this.timeout(60_000);
  let broker: Mosquitto;
  const inputs: SensorMqttInput[] = [];
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    await Promise.all(inputs.map((input) => input.close()));
    await broker?.remove();
  });

  const start = (overrides: Partial<SensorMqttInputOptions> = {}): Seen & { input: SensorMqttInput } => {
    const seen: Seen = { events: [], telemetry: [], rejected: [], errors: [], connected: [] };
    const sensors = [manhole, bin, own].map((sensor) => ({
      id: sensor.id,
      topic: (sensor.driver as { topic: string }).topic,
      mapping: sensor.driver as SensorMqttInputOptions['sensors'][number]['mapping'],
      channel: createSensorChannel(sensor, {
        gatewayId: 'gw-1',
        onEvent: (event) => seen.events.push(event),
        onTelemetry: (payload) => seen.telemetry.push(JSON.parse(payload.toString()) as SensorTelemetry),
      }),
    }));
    const input = startSensorMqttInput(
      { url: broker.url, clientId: `edge-test-${Math.random().toString(36).slice(2)}`, username: broker.username, password: broker.password, rejectUnauthorized: true, qos: 1, reconnectMs: 200, sensors, ...overrides },
      {
        onRejected: (sensorId, _topic, reason, detail) => seen.rejected.push({ sensorId, reason, detail }),
        onConnectionChange: (connected, error) => (error ? seen.errors.push(error.message) : seen.connected.push(connected)),
      },
    );
    inputs.push(input);
    return { ...seen, input };
  };
  // A subscription is in place once a probe reading comes through; the broker keeps nothing for a subscriber that is not there yet.
  const ready = async (seen: Seen) => {
    await waitFor('the input to connect', () => seen.connected.includes(true) || undefined, 20_000);
    await waitFor('the subscriptions to take', async () => {
      const before = seen.telemetry.length;
      await broker.publish('gridsight/own-1', '{"readings":[{"metric":"probe","value":0}]}');
      await new Promise((resolve) => setTimeout(resolve, 200));
      return seen.telemetry.length > before || undefined;
    }, 20_000, 0);
  };

  it('maps each payload format to telemetry and raises and clears the sensor rules', async () => {
    const seen = start();
    await ready(seen);
    await broker.publish('zigbee2mqtt/mh-1', '{"angle":{"x":2.5},"battery":97,"linkquality":80}');
    await broker.publish('zigbee2mqtt/mh-1', '{"angle":{"x":31},"battery":97}');
    await broker.publish('sensors/bin-7/fill_pct', '95');
    await broker.publish('gridsight/own-1', '{"observedAt":"2026-11-28T10:00:00.000Z","readings":[{"metric":"battery_v","value":3.3,"unit":"V"}]}');
    await broker.publish('zigbee2mqtt/mh-1', '{"angle":{"x":1}}');
    const readings = () => seen.telemetry.filter((t) => t.readings[0]?.metric !== 'probe');
    await waitFor('five readings forwarded', () => readings().length >= 5 || undefined, 20_000);
    const forwarded = readings().map((t) => [t.deviceId, t.readings.map((r) => `${r.metric}=${r.value}${r.unit ?? ''}`).join(',')]);
    assert.deepEqual(forwarded, [
      ['mh-1', 'tilt_deg=2.5deg,battery_pct=97'],
      ['mh-1', 'tilt_deg=31deg,battery_pct=97'],
      ['bin-7', 'fill_pct=95%'],
      ['own-1', 'battery_v=3.3V'],
      ['mh-1', 'tilt_deg=1deg'],
    ]);
    assert.equal(readings()[3]?.observedAt, '2026-11-28T10:00:00.000Z');
    assert.deepEqual(seen.events.map((e) => [e.source.deviceId, e.type, e.kind, e.measurement?.value]), [
      ['mh-1', 'detected', 'manhole_open', 31],
      ['bin-7', 'detected', 'bin_full', 95],
      ['mh-1', 'cleared', 'manhole_open', 1],
    ]);
    assert.deepEqual(seen.rejected, []);
  });

  it('counts every bad payload with its reason and goes on with the next reading', async () => {
    const seen = start();
    await ready(seen);
    const bad: Array<[string, string]> = [
      ['zigbee2mqtt/mh-1', 'not json at all'],
      ['zigbee2mqtt/mh-1', '{"linkquality":80}'],
      ['zigbee2mqtt/mh-1', '{"angle":{"x":"tilted"}}'],
      ['sensors/bin-7/fill_pct', 'full'],
      ['sensors/bin-7/Fill%', '12'],
      ['gridsight/own-1', '{"readings":[{"metric":"x","value":1}],"extra":true}'],
      ['gridsight/own-1', 'x'.repeat(20_000)],
    ];
    for (const [topic, payload] of bad) await broker.publish(topic, payload);
    await broker.publish('sensors/bin-7/fill_pct', '42');
    await waitFor('the good reading after the bad ones', () => seen.telemetry.some((t) => t.deviceId === 'bin-7' && t.readings[0]?.value === 42) || undefined, 20_000);
    await waitFor('every bad payload counted', () => seen.rejected.length >= bad.length || undefined, 5000);
    assert.deepEqual(
      seen.rejected.map((r) => `${r.sensorId}:${r.reason}`),
      ['mh-1:not_json', 'mh-1:no_mapped_field', 'mh-1:invalid_reading', 'bin-7:not_a_number', 'bin-7:invalid_reading', 'own-1:invalid_reading', 'own-1:too_large'],
    );
    assert.ok(seen.input.connected());
  });

  it('subscribes again after the broker restarts', async () => {
    const seen = start();
    await ready(seen);
    await broker.stop();
    await waitFor('the input to notice', () => seen.connected.includes(false) || undefined, 20_000);
    await broker.restart();
    await waitFor('a reconnect', () => seen.connected.filter(Boolean).length >= 2 || undefined, 30_000);
    await ready(seen);
    await broker.publish('sensors/bin-7/fill_pct', '91');
    await waitFor('readings after the restart', () => seen.events.some((e) => e.source.deviceId === 'bin-7' && e.type === 'detected') || undefined, 20_000);
  });

  it('reports a wrong password as a connection error and keeps retrying without throwing', async () => {
    const seen = start({ password: 'wrong' });
    await waitFor('the refusal', () => seen.errors.length > 0 || undefined, 20_000);
    assert.match(seen.errors[0] ?? '', /not authori[sz]ed|bad user ?name or password/i);
    assert.equal(seen.input.connected(), false);
  });
});
