import { strict as assert } from 'node:assert';
import type { AnomalyEvent, SensorTelemetry } from '@gridsight/contracts';
import { createSensorChannel } from '../../src/adapters/sensorChannel.js';
import { startSensorHttpInput, type SensorHttpInput } from '../../src/adapters/sensorHttpInput.js';
import type { SensorConfig } from '../../src/config.js';

const sensor: SensorConfig = {
  id: 'bin-7',
  location: { lat: 52.5, lon: 13.4, accuracyM: 2 },
  driver: { type: 'http' },
  rules: [{ metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, holdMs: 0, clearBelow: 60, clearHoldMs: 0 }],
};

describe('sensor HTTP input', () => {
  let input: SensorHttpInput;
  const events: AnomalyEvent[] = [];
  const telemetry: SensorTelemetry[] = [];
  before(async () => {
    const channel = createSensorChannel(sensor, {
      gatewayId: 'gw-1',
      onEvent: (event) => events.push(event),
      onTelemetry: (payload) => telemetry.push(JSON.parse(payload.toString()) as SensorTelemetry),
    });
    input = await startSensorHttpInput({ host: '127.0.0.1', port: 0, token: 'local-token', channels: new Map([[sensor.id, channel]]) });
  });
  after(() => input.close());

  const post = (path: string, body: unknown, token = 'local-token') =>
    fetch(`http://127.0.0.1:${input.port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('forwards readings as telemetry and raises and clears the rule', async () => {
    for (const value of [50, 95, 93, 40]) {
      const response = await post('/v1/sensors/bin-7/readings', { readings: [{ metric: 'fill_pct', value, unit: '%' }] });
      assert.equal(response.status, 202);
    }
    assert.equal(telemetry.length, 4);
    assert.equal(telemetry[1]?.readings[0]?.value, 95);
    assert.deepEqual(events.map((e) => [e.type, e.kind, e.measurement?.value]), [['detected', 'bin_full', 95], ['cleared', 'bin_full', 40]]);
  });

  it('refuses a missing or wrong token with 401', async () => {
    assert.equal((await post('/v1/sensors/bin-7/readings', { readings: [{ metric: 'fill_pct', value: 1 }] }, 'guess')).status, 401);
    const response = await fetch(`http://127.0.0.1:${input.port}/v1/sensors/bin-7/readings`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 401);
  });

  it('answers 400 naming the bad field, 404 for an unknown sensor and 413 for a huge body', async () => {
    const bad = await post('/v1/sensors/bin-7/readings', { readings: [{ metric: 'Fill %', value: 'high' }] });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { fields: string[] };
    assert.ok(body.fields.some((field) => field.startsWith('/readings/0/metric')), body.fields.join('; '));
    assert.equal((await post('/v1/sensors/bin-7/readings', 'not json')).status, 400);
    assert.equal((await post('/v1/sensors/nope/readings', { readings: [{ metric: 'fill_pct', value: 1 }] })).status, 404);
    assert.equal((await post('/v1/sensors/bin-7/readings', 'x'.repeat(20_000))).status, 413);
  });
});
