import assert from 'node:assert/strict';
import { mqttTopics, parseMqttTopic } from '../../src/index.js';

describe('MQTT topics', () => {
  it('builds the v1 topics of DESIGN.md', () => {
    assert.equal(mqttTopics.gatewayEvents('gw-0001'), 'v1/gateways/gw-0001/events');
    assert.equal(mqttTopics.gatewayTelemetry('gw-0001'), 'v1/gateways/gw-0001/telemetry');
    assert.equal(mqttTopics.gatewayStatus('gw-0001'), 'v1/gateways/gw-0001/status');
    assert.equal(mqttTopics.gatewayCommands('gw-0001'), 'v1/gateways/gw-0001/commands');
    assert.equal(mqttTopics.workerTickets('worker-17'), 'v1/workers/worker-17/tickets');
  });

  it('parses each topic it builds back into its parts', () => {
    assert.deepEqual(parseMqttTopic('v1/gateways/gw-0001/events'), { channel: 'gateway-events', gatewayId: 'gw-0001' });
    assert.deepEqual(parseMqttTopic('v1/gateways/gw-0001/status'), { channel: 'gateway-status', gatewayId: 'gw-0001' });
    assert.deepEqual(parseMqttTopic('v1/workers/w:17/tickets'), { channel: 'worker-tickets', workerId: 'w:17' });
  });

  it('refuses to build a topic from an id that would widen or split it', () => {
    for (const bad of ['+', '#', 'a/b', '', 'has space', 'x'.repeat(65)]) {
      assert.throws(() => mqttTopics.gatewayEvents(bad), /gatewayId .* is not a valid identifier/);
    }
  });

  it('returns undefined for topics outside the contract', () => {
    for (const topic of [
      'v2/gateways/gw-1/events',
      'v1/gateways/gw-1/events/extra',
      'v1/gateways/+/events',
      'v1/gateways/#',
      'v1/gateways/gw-1/unknown',
      'v1/workers/w-1/events',
      '$SYS/broker/uptime',
      '',
      'v1/gateways/gw-1/__proto__',
    ]) {
      assert.equal(parseMqttTopic(topic), undefined, topic);
    }
  });
});
