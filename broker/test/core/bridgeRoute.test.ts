import assert from 'node:assert/strict';
import { dlqRecordCodec, gatewayStatusRecordCodec, geoCellKey, KAFKA_TOPICS } from '@gridsight/contracts';
import { routePublish, type BridgeRoute } from '../../src/core/bridgeRoute.js';
import { anomalyEvent, gatewayStatus, telemetry } from '../support/fixtures.js';

const receivedAt = new Date('2026-11-28T10:00:00.000Z');
const route = (topic: string, payload: unknown): BridgeRoute =>
  routePublish({ topic, payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), clientId: 'gw-1', receivedAt });

describe('bridge route', () => {
  it('forwards a valid event to anomaly-events keyed by the geo cell of its location, bytes unchanged', () => {
    const event = anomalyEvent('gw-1');
    const result = route('v1/gateways/gw-1/events', event);
    assert.equal(result.action, 'forward');
    if (result.action !== 'forward') return;
    assert.equal(result.record.topic, KAFKA_TOPICS.anomalyEvents);
    assert.equal(result.record.key, geoCellKey(event.location));
    assert.deepEqual(JSON.parse(result.record.value.toString()), event);
    assert.equal(result.record.headers['mqtt-client-id'], 'gw-1');
  });

  it('dead-letters an event whose source names another gateway than its topic', () => {
    const result = route('v1/gateways/gw-1/events', anomalyEvent('gw-2'));
    assert.equal(result.action, 'dead-letter');
    if (result.action !== 'dead-letter') return;
    assert.equal(result.record.topic, KAFKA_TOPICS.anomalyEventsDlq);
    const dlq = dlqRecordCodec.decode(result.record.value);
    assert.ok(dlq.ok);
    assert.equal(dlq.value.reason.code, 'BRIDGE_GATEWAY_MISMATCH');
    assert.equal(dlq.value.reason.errors[0]?.field, 'source.gatewayId');
    assert.equal(dlq.value.origin.channel, 'v1/gateways/gw-1/events');
    assert.equal(dlq.value.rejectedAt, receivedAt.toISOString());
  });

  it('dead-letters invalid JSON with the reason and the original bytes', () => {
    const result = route('v1/gateways/gw-1/events', '{"schema":');
    assert.equal(result.action, 'dead-letter');
    if (result.action !== 'dead-letter') return;
    const dlq = JSON.parse(result.record.value.toString());
    assert.equal(dlq.reason.code, 'CONTRACT_INVALID_JSON');
    assert.equal(Buffer.from(dlq.payloadBase64, 'base64').toString(), '{"schema":');
  });

  it('forwards telemetry keyed gatewayId/deviceId, and wraps status in a GatewayStatusRecord with the broker clock', () => {
    const t = route('v1/gateways/gw-1/telemetry', telemetry('gw-1'));
    assert.ok(t.action === 'forward' && t.record.topic === KAFKA_TOPICS.sensorTelemetry && t.record.key === 'gw-1/tilt-07');
    const s = route('v1/gateways/gw-1/status', gatewayStatus('gw-1', 'offline'));
    assert.ok(s.action === 'forward' && s.record.topic === KAFKA_TOPICS.gatewayStatus && s.record.key === 'gw-1');
    const record = gatewayStatusRecordCodec.decode(s.record.value);
    assert.ok(record.ok && record.value.receivedAt === receivedAt.toISOString() && record.value.status.state === 'offline');
  });

  it('dead-letters telemetry and status that name another gateway', () => {
    assert.equal(route('v1/gateways/gw-1/telemetry', telemetry('gw-9')).action, 'dead-letter');
    assert.equal(route('v1/gateways/gw-1/status', gatewayStatus('gw-9')).action, 'dead-letter');
  });

  it('bridges nothing for ticket notifications and commands', () => {
    assert.deepEqual(route('v1/workers/w-7/tickets', '{}'), { action: 'none' });
    assert.deepEqual(route('v1/gateways/gw-1/commands', '{}'), { action: 'none' });
  });
});
