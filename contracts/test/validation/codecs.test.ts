import assert from 'node:assert/strict';
import {
  anomalyEventCodec,
  ContractValidationError,
  dlqRecordCodec,
  dlqRecordFor,
  gatewayStatusCodec,
  gatewayStatusRecordCodec,
  incidentEventCodec,
  sensorTelemetryCodec,
  ticketEventCodec,
} from '../../src/index.js';
import { cameraEvent, citizenEvent, gatewayStatus, incidentEvent, sensorEvent, telemetry, ticketEvent } from '../fixtures.js';

describe('codecs', () => {
  it('accepts a camera, a sensor and a citizen AnomalyEvent and round-trips them through bytes', () => {
    for (const event of [cameraEvent(), sensorEvent(), citizenEvent()]) {
      const decoded = anomalyEventCodec.decode(anomalyEventCodec.encode(event));
      assert.ok(decoded.ok, JSON.stringify(!decoded.ok && decoded.error.errors));
      assert.deepEqual(decoded.value, event);
    }
  });

  it('accepts every other v1 message shape', () => {
    assert.ok(gatewayStatusCodec.check(gatewayStatus()).ok);
    assert.ok(gatewayStatusCodec.check(gatewayStatus({ state: 'offline', cameras: undefined })).ok);
    assert.ok(gatewayStatusRecordCodec.check({ schema: 'gateway-status-record/v1', receivedAt: '2026-11-28T09:00:01Z', status: gatewayStatus() }).ok);
    assert.ok(sensorTelemetryCodec.check(telemetry()).ok);
    assert.ok(incidentEventCodec.check(incidentEvent()).ok);
    assert.ok(ticketEventCodec.check(ticketEvent()).ok);
    assert.ok(ticketEventCodec.check({ ...ticketEvent(), transition: 'created', from: null, to: 'new' }).ok);
  });

  it('requires box, track and model on camera events and a measurement on sensor events', () => {
    const { bbox: _bbox, trackId: _trackId, model: _model, ...bare } = cameraEvent();
    const camera = anomalyEventCodec.check(bare);
    assert.ok(!camera.ok);
    assert.deepEqual(camera.error.errors.map((e) => e.field).sort(), ['bbox', 'model', 'trackId']);
    const { measurement: _measurement, ...sensor } = sensorEvent();
    const result = anomalyEventCodec.check(sensor);
    assert.ok(!result.ok);
    assert.deepEqual(result.error.errors, [{ field: 'measurement', reason: 'is required' }]);
  });

  it('throws a typed, non-retriable error when a producer encodes a bad message', () => {
    assert.throws(
      () => anomalyEventCodec.encode(cameraEvent({ confidence: 2 })),
      (error: unknown) => error instanceof ContractValidationError && !error.retriable && /confidence: must be <= 1/.test(error.message),
    );
  });

  it('builds a DLQ record that keeps the refused bytes and the reason', () => {
    const payload = Buffer.from('{"schema":"anomaly/v1"');
    const result = anomalyEventCodec.decode(payload);
    assert.ok(!result.ok);
    const record = dlqRecordFor(payload, result.error, { component: 'broker', channel: 'v1/gateways/gw-1/events', clientId: 'gw-1' }, new Date('2026-11-28T10:00:00Z'));
    assert.ok(dlqRecordCodec.check(record).ok);
    assert.equal(record.reason.code, 'CONTRACT_INVALID_JSON');
    assert.equal(Buffer.from(record.payloadBase64, 'base64').toString(), payload.toString());
    assert.equal(record.payloadTruncated, false);
  });

  it('cuts a DLQ payload at its bound and says so', () => {
    const payload = Buffer.alloc(300 * 1024, 0x41);
    const result = anomalyEventCodec.decode(payload);
    assert.ok(!result.ok);
    const record = dlqRecordFor(payload, result.error, { component: 'stream-processor', channel: 'anomaly-events', partition: 0, offset: '42' }, new Date());
    assert.equal(record.payloadBytes, 300 * 1024);
    assert.equal(record.payloadTruncated, true);
    assert.ok(dlqRecordCodec.check(record).ok);
  });
});
