import { randomBytes } from 'node:crypto';
import type { AnomalyEvent, GatewayStatus, SensorTelemetry } from '@gridsight/contracts';

/** A UUIDv7 with the current time, as an edge agent makes it. */
export function uuidV7(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function anomalyEvent(gatewayId: string, overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    schema: 'anomaly/v1',
    eventId: uuidV7(),
    type: 'detected',
    kind: 'garbage_pile',
    source: { type: 'camera', gatewayId, deviceId: 'cam-north' },
    observedAt: new Date().toISOString(),
    confidence: 0.87,
    bbox: [0.41, 0.52, 0.2, 0.18],
    trackId: 'cam-north-17',
    location: { lat: 31.2304, lon: 121.4737, accuracyM: 2.5 },
    model: { name: 'gridsight-street', version: '1.0.0', sha256: 'ab'.repeat(32) },
    ...overrides,
  };
}

export function telemetry(gatewayId: string, overrides: Partial<SensorTelemetry> = {}): SensorTelemetry {
  return {
    schema: 'telemetry/v1',
    gatewayId,
    deviceId: 'tilt-07',
    observedAt: new Date().toISOString(),
    readings: [{ metric: 'tilt_deg', value: 1.5, unit: 'deg' }],
    ...overrides,
  };
}

export function gatewayStatus(gatewayId: string, state: 'online' | 'offline' = 'online'): GatewayStatus {
  return { schema: 'gateway-status/v1', gatewayId, state, at: new Date().toISOString(), agentVersion: '0.1.0' };
}
