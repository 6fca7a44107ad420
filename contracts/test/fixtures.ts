import type { AnomalyEvent, GatewayStatus, IncidentEvent, SensorTelemetry, TicketEvent } from '../src/index.js';

// A real JPEG header (FF D8 FF E0 …) so the snapshot pattern sees what a camera crop starts with.
export const TINY_JPEG_BASE64 = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]).toString('base64');

export function cameraEvent(overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    schema: 'anomaly/v1',
    eventId: '01936b2e-7c4a-7def-8123-456789abcdef',
    type: 'detected',
    kind: 'garbage_pile',
    source: { type: 'camera', gatewayId: 'gw-0001', deviceId: 'cam-north' },
    observedAt: '2026-11-28T09:30:00.000Z',
    confidence: 0.87,
    bbox: [0.41, 0.52, 0.2, 0.18],
    trackId: 'cam-north-17',
    location: { lat: 31.2304, lon: 121.4737, accuracyM: 2.5 },
    model: { name: 'gridsight-street', version: '1.0.0', sha256: 'ab'.repeat(32) },
    snapshot: TINY_JPEG_BASE64,
    ...overrides,
  };
}

export function sensorEvent(overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    schema: 'anomaly/v1',
    eventId: '01936b2e-7c4a-7def-9123-456789abcde0',
    type: 'detected',
    kind: 'manhole_open',
    source: { type: 'sensor', gatewayId: 'gw-0001', deviceId: 'tilt-07' },
    observedAt: '2026-11-28T09:31:00Z',
    confidence: 1,
    location: { lat: 31.2306, lon: 121.474, accuracyM: 1 },
    measurement: { metric: 'tilt_deg', value: 34.5, unit: 'deg' },
    ...overrides,
  };
}

export function citizenEvent(overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    schema: 'anomaly/v1',
    eventId: '01936b2e-7c4a-7def-a123-456789abcde1',
    type: 'detected',
    kind: 'garbage_pile',
    source: { type: 'citizen', gatewayId: 'open311', deviceId: 'req-20261128-0042' },
    observedAt: '2026-11-28T09:32:00Z',
    confidence: 0.6,
    location: { lat: 31.2305, lon: 121.4738, accuracyM: 25 },
    note: '路口有一堆垃圾 / a pile of rubbish at the corner',
    ...overrides,
  };
}

export function gatewayStatus(overrides: Partial<GatewayStatus> = {}): GatewayStatus {
  return {
    schema: 'gateway-status/v1',
    gatewayId: 'gw-0001',
    state: 'online',
    at: '2026-11-28T09:00:00Z',
    agentVersion: '0.1.0',
    cameras: [{ deviceId: 'cam-north', state: 'ok', fps: 4.8 }],
    ...overrides,
  };
}

export function telemetry(overrides: Partial<SensorTelemetry> = {}): SensorTelemetry {
  return {
    schema: 'telemetry/v1',
    gatewayId: 'gw-0001',
    deviceId: 'tilt-07',
    observedAt: '2026-11-28T09:00:00Z',
    readings: [
      { metric: 'tilt_deg', value: 1.5, unit: 'deg' },
      { metric: 'battery_v', value: 3.61, unit: 'V' },
    ],
    ...overrides,
  };
}

export function incidentEvent(): IncidentEvent {
  const source = { type: 'camera' as const, gatewayId: 'gw-0001', deviceId: 'cam-north' };
  return {
    schema: 'incident/v1',
    eventId: '01936b2e-7c4a-7def-8123-000000000001',
    change: 'opened',
    version: 1,
    at: '2026-11-28T09:30:01Z',
    cause: { eventId: '01936b2e-7c4a-7def-8123-456789abcdef', type: 'detected', source },
    incident: {
      incidentId: '01936b2e-7c4a-7def-8123-0000000000aa',
      kind: 'garbage_pile',
      status: 'open',
      location: { lat: 31.2304, lon: 121.4737 },
      firstSeenAt: '2026-11-28T09:30:00Z',
      lastSeenAt: '2026-11-28T09:30:00Z',
      sightings: 1,
      raisedBy: source,
      sources: [source],
      maxConfidence: 0.87,
    },
  };
}

export function ticketEvent(): TicketEvent {
  return {
    schema: 'ticket-event/v1',
    eventId: '01936b2e-7c4a-7def-8123-000000000002',
    seq: 2,
    at: '2026-11-28T09:30:02Z',
    transition: 'assigned',
    from: 'new',
    to: 'assigned',
    actor: { type: 'system' },
    ticket: {
      ticketId: '01936b2e-7c4a-7def-8123-0000000000bb',
      incidentId: '01936b2e-7c4a-7def-8123-0000000000aa',
      kind: 'garbage_pile',
      priority: 'P3',
      status: 'assigned',
      location: { lat: 31.2304, lon: 121.4737 },
      cellId: 'cell-A3',
      assigneeId: 'worker-017',
      escalated: false,
      acceptBy: '2026-11-28T10:30:02Z',
      dueBy: '2026-11-29T09:30:02Z',
      createdAt: '2026-11-28T09:30:01Z',
    },
  };
}
