import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { anomalyEventCodec, mqttTopics, type AnomalyEvent } from '@gridsight/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { startAgent, type Agent } from '../src/agent.js';
import { parseEdgeConfig } from '../src/config.js';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.js';
import { waitFor } from './helpers/processes.js';

describe('agent with sensors on the gateway MQTT broker', function () {
  this.timeout(90_000);
  let broker: Mosquitto;
  let agent: Agent | undefined;
  let upstream: MqttClient | undefined;
  let dir: string;
  const logs: Array<{ msg: string; reason?: string; suppressedSinceLast?: number }> = [];

  before(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'edge-agent-sensor-mqtt-'));
  });
  after(async () => {
    await agent?.stop();
    await upstream?.endAsync();
    await broker?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns readings published by a sensor into stored and published events, and counts the bad ones', async () => {
    const secret = join(dir, 'secret');
    writeFileSync(secret, `${broker.password}\n`);
    // One mosquitto plays both parts here: the gateway's local broker and the upstream broker the events go to.
    const config = parseEdgeConfig(`
gatewayId: gw-mqtt-sensors
logLevel: info
model: { path: /nonexistent.onnx }
broker: { url: "${broker.url}", username: ${broker.username}, passwordFile: ${secret}, reconnectMs: 200 }
sensorMqtt: { url: "${broker.url}", username: ${broker.username}, passwordFile: ${secret}, reconnectMs: 200 }
buffer: { path: ${join(dir, 'events.db')} }
ops: { host: 127.0.0.1, port: 0 }
sensors:
  - id: mh-9
    location: { lat: 52.51, lon: 13.39, accuracyM: 3 }
    driver: { type: mqtt, topic: "zigbee2mqtt/mh-9", payload: json, fields: { tilt_deg: tilt }, units: { tilt_deg: deg } }
    rules: [{ metric: tilt_deg, kind: manhole_open, raiseAbove: 15, holdMs: 0, clearBelow: 5, clearHoldMs: 0 }]
`);
    upstream = await mqtt.connectAsync(broker.url, { username: broker.username, password: broker.password, clientId: 'upstream-observer' });
    const events: AnomalyEvent[] = [];
    upstream.on('message', (topic, payload) => {
      if (topic !== mqttTopics.gatewayEvents('gw-mqtt-sensors')) return;
      const decoded = anomalyEventCodec.decode(payload);
      assert.ok(decoded.ok, `upstream got an invalid event on ${topic}`);
      events.push(decoded.value);
    });
    await upstream.subscribeAsync(mqttTopics.gatewayEvents('gw-mqtt-sensors'), { qos: 1 });
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(JSON.parse(chunk.toString()) as (typeof logs)[number]);
          done();
        },
      }),
    );
    agent = await startAgent(config, { logger, once: false, agentVersion: 'test' });
    const health = async () => (await (await fetch(`http://127.0.0.1:${agent?.opsPort}/health`)).json()) as { checks: { sensorMqtt?: string } };
    await waitFor('the sensor input to connect', async () => (await health()).checks.sensorMqtt === 'connected' || undefined, 20_000);
    // The subscription is in place once a probe reading shows up as telemetry upstream.
    const telemetry: string[] = [];
    upstream.on('message', (topic, payload) => {
      if (topic === mqttTopics.gatewayTelemetry('gw-mqtt-sensors')) telemetry.push(payload.toString());
    });
    await upstream.subscribeAsync(mqttTopics.gatewayTelemetry('gw-mqtt-sensors'), { qos: 1 });
    await waitFor('the subscription to take', async () => {
      await broker.publish('zigbee2mqtt/mh-9', '{"tilt":0}');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return telemetry.length > 0 || undefined;
    }, 30_000, 0);

    for (const payload of ['{"tilt":"x"}', 'garbage', '{"other":1}']) await broker.publish('zigbee2mqtt/mh-9', payload);
    await broker.publish('zigbee2mqtt/mh-9', '{"tilt":40}');
    await broker.publish('zigbee2mqtt/mh-9', '{"tilt":2}');
    await waitFor('detected and cleared upstream', () => (events.length >= 2 ? true : undefined), 30_000);
    assert.deepEqual(events.map((e) => [e.type, e.kind, e.source.type, e.source.deviceId, e.measurement?.value]), [
      ['detected', 'manhole_open', 'sensor', 'mh-9', 40],
      ['cleared', 'manhole_open', 'sensor', 'mh-9', 2],
    ]);
    assert.ok(await agent.flushed(10_000), 'the store empties on PUBACK');

    const metrics = await (await fetch(`http://127.0.0.1:${agent.opsPort}/metrics`)).text();
    const rejected = (reason: string) => Number(new RegExp(`gridsight_edge_sensor_messages_rejected_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    assert.deepEqual([rejected('invalid_reading'), rejected('not_json'), rejected('no_mapped_field')], [1, 1, 1]);
    // Logged once per sensor per minute, the rest counted, so a broken sensor cannot fill the disk.
    assert.equal(logs.filter((line) => line.msg === 'sensor message rejected').length, 1);
  });
});
