import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEdgeConfig } from '../src/config.js';
import { repoRoot } from './helpers/processes.js';

const minimal = `
gatewayId: gw-1
model: { path: /opt/model.onnx }
broker: { url: "mqtts://broker.example:8883", username: gw-1, passwordFile: /etc/gridsight/secret }
cameras:
  - id: cam-1
    source: { type: http, url: "http://10.0.0.5/snapshot.jpg" }
    location: { lat: 52.52, lon: 13.4 }
`;

describe('config', () => {
  it('fills defaults for every section left out, including the camera source of its type', () => {
    const config = parseEdgeConfig(minimal);
    assert.equal(config.ops.port, 9304);
    assert.equal(config.tracking.confirmHits, 3);
    assert.equal(config.buffer.maxBytes, 256 * 1024 * 1024);
    assert.deepEqual(config.cameras[0]?.source, { type: 'http', url: 'http://10.0.0.5/snapshot.jpg', fps: 1, timeoutMs: 5000, maxBytes: 20 * 1024 * 1024 });
    assert.equal(config.cameras[0]?.location.accuracyM, 10);
  });

  it('accepts JSON as well as YAML', () => {
    const config = parseEdgeConfig(JSON.stringify({ gatewayId: 'gw-2', model: { path: 'm.onnx' }, broker: { url: 'mqtt://localhost:1883' } }));
    assert.equal(config.gatewayId, 'gw-2');
    assert.deepEqual(config.cameras, []);
  });

  const rejects = (text: string, ...fields: RegExp[]) => {
    assert.throws(
      () => parseEdgeConfig(text, 'edge.yaml'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'EDGE_CONFIG_INVALID');
        for (const field of fields) assert.match(error.message, field);
        return true;
      },
    );
  };

  it('names each bad field', () => {
    rejects(minimal.replace('lat: 52.52', 'lat: 152.52').replace('gatewayId: gw-1', 'gatewayId: "gw/1"'), /cameras\[0\]\.location\.lat must be <= 90/, /gatewayId must match pattern/);
  });

  it('names a missing field and an unknown one inside a camera source', () => {
    rejects(minimal.replace('source: { type: http, url: "http://10.0.0.5/snapshot.jpg" }', 'source: { type: folder, url: "x" }'), /cameras\[0\]\.source\.dir is required/, /cameras\[0\]\.source\.url is not a known setting/);
  });

  it('lists the allowed values of an enum', () => {
    rejects(minimal.replace('type: http', 'type: webcam'), /cameras\[0\]\.source\.type must be one of folder, http, ffmpeg/);
  });

  it('refuses a broker URL of another scheme, a duplicate device id and contradictory thresholds', () => {
    rejects(minimal.replace('mqtts://', 'http://'), /broker\.url must match pattern/);
    rejects(minimal.replace('    location: { lat: 52.52, lon: 13.4 }', '    location: { lat: 52.52, lon: 13.4 }\n  - id: cam-1\n    source: { type: folder, dir: /tmp }\n    location: { lat: 1, lon: 1 }'), /cam-1 is used twice/);
    rejects(`${minimal}tracking: { confirmHits: 6, confirmWindow: 5 }\n`, /confirmHits \(6\) exceeds tracking\.confirmWindow \(5\)/);
  });

  it('refuses a homography whose four points are degenerate', () => {
    const points = [[0, 0], [0.5, 0.5], [1, 1], [0, 1]].map((image, i) => `{ image: [${image.join(', ')}], lat: ${52 + i * 1e-4}, lon: 13 }`);
    rejects(minimal.replace('    location: { lat: 52.52, lon: 13.4 }', `    location: { lat: 52.52, lon: 13.4 }\n    homography: { points: [${points.join(', ')}] }`), /cameras\[0\]\.homography\.points: .*degenerate/);
  });

  it('accepts the example config shipped for gateways', () => {
    const config = parseEdgeConfig(readFileSync(join(repoRoot, 'deploy', 'gateway', 'edge-agent.example.yaml'), 'utf8'));
    assert.equal(config.ops.port, 9304);
    assert.deepEqual(config.cameras.map((camera) => camera.source.type), ['http', 'ffmpeg']);
    assert.deepEqual(config.sensors.map((sensor) => sensor.driver.type), ['simulated', 'http']);
  });

  it('checks a sensor driver against the schema of its type, and wants a token for the HTTP input', () => {
    const sensor = (driver: string) => `${minimal}sensors:\n  - id: bin-1\n    location: { lat: 1, lon: 1 }\n    driver: ${driver}\n`;
    rejects(sensor('{ type: simulated, metric: fill_pct }'), /sensors\[0\]\.driver\.values is required/);
    rejects(sensor('{ type: http }'), /sensorInput\.tokenFile is required/);
    const config = parseEdgeConfig(sensor('{ type: simulated, metric: fill_pct, values: [1] }'));
    assert.deepEqual(config.sensors[0]?.driver, { type: 'simulated', metric: 'fill_pct', values: [1], intervalMs: 1000 });
  });

  it('takes sensors on the local MQTT broker, with their payload mapping checked per format', () => {
    const sensor = (driver: string, broker = 'sensorMqtt: { url: "mqtt://127.0.0.1:1883", username: edge, passwordFile: /etc/gridsight-edge/sensors.secret }\n') =>
      `${minimal}${broker}sensors:\n  - id: mh-1\n    location: { lat: 1, lon: 1 }\n    driver: ${driver}\n`;
    const config = parseEdgeConfig(sensor('{ type: mqtt, topic: "zigbee2mqtt/mh-1", payload: json, fields: { tilt_deg: angle.x } }'));
    assert.deepEqual(config.sensors[0]?.driver, { type: 'mqtt', topic: 'zigbee2mqtt/mh-1', payload: 'json', fields: { tilt_deg: 'angle.x' } });
    assert.deepEqual(config.sensorMqtt, { url: 'mqtt://127.0.0.1:1883', username: 'edge', passwordFile: '/etc/gridsight-edge/sensors.secret', rejectUnauthorized: true, qos: 1, reconnectMs: 2000 });
    assert.equal(parseEdgeConfig(sensor('{ type: mqtt, topic: "sensors/mh-1" }')).sensors[0]?.driver.type, 'mqtt');
    rejects(sensor('{ type: mqtt, topic: "sensors/mh-1" }', ''), /sensorMqtt is required/);
    rejects(sensor('{ type: mqtt, topic: "sensors/#/tilt" }'), /sensors\[0\]\.driver\.topic "sensors\/#\/tilt" is not a valid MQTT topic filter/);
    rejects(sensor('{ type: mqtt, topic: "s/mh-1", payload: number }'), /sensors\[0\]\.driver\.metric or metricTopicLevel \(one of them\) is required/);
    rejects(sensor('{ type: mqtt, topic: "s/mh-1", payload: json }'), /sensors\[0\]\.driver\.fields is required with payload json/);
    rejects(sensor('{ type: mqtt, topic: "s/mh-1", payload: readings, metric: tilt_deg }'), /sensors\[0\]\.driver\.metric applies only to payload number/);
    rejects(sensor('{ type: mqtt, topic: "s/mh-1", payload: csv }'), /sensors\[0\]\.driver\.payload must be one of readings, number, json/);
    rejects(sensor('{ type: mqtt, topic: "s/mh-1" }', 'sensorMqtt: { url: "http://127.0.0.1:1883", qos: 3 }\n'), /sensorMqtt\.url must match pattern/, /sensorMqtt\.qos must be <= 2/);
  });

  it('refuses text that is not YAML or an object', () => {
    rejects('gatewayId: [unclosed', /neither JSON nor YAML/);
    rejects('- a list', /must hold an object/);
  });
});
