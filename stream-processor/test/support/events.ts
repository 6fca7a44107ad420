import { randomUUID } from 'node:crypto';
import type { AnomalyEvent, AnomalyKind, Source } from '@gridsight/contracts';
import { uuidV7For } from '../../src/core/ids.js';

export const SHA = 'a'.repeat(64);
// A tiny JPEG-shaped base64 string: the contract checks the JPEG magic and base64 shape only.
export const SNAPSHOT = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==';

export function camera(deviceId: string, gatewayId = 'gw-1'): Source {
  return { type: 'camera', gatewayId, deviceId };
}

export interface EventOptions {
  type?: AnomalyEvent['type'];
  kind?: AnomalyKind;
  source?: Source;
  at?: string;
  lat?: number;
  lon?: number;
  accuracyM?: number;
  confidence?: number;
  snapshot?: string;
  eventId?: string;
}

export function anomalyEvent(options: EventOptions = {}): AnomalyEvent {
  const source = options.source ?? camera('cam-1');
  const at = options.at ?? '2026-11-28T10:00:00.000Z';
  const event: AnomalyEvent = {
    schema: 'anomaly/v1',
    eventId: options.eventId ?? uuidV7For(Date.parse(at), randomUUID()),
    type: options.type ?? 'detected',
    kind: options.kind ?? 'garbage_pile',
    source,
    observedAt: at,
    confidence: options.confidence ?? 0.8,
    location: { lat: options.lat ?? 52.52, lon: options.lon ?? 13.405, accuracyM: options.accuracyM ?? 3 },
  };
  if (source.type === 'camera') {
    event.bbox = [0.1, 0.1, 0.2, 0.2];
    event.trackId = `t-${source.deviceId}`;
    event.model = { name: 'gridsight-det', version: '1.0.0', sha256: SHA };
  }
  if (source.type === 'sensor') event.measurement = { metric: 'tilt_deg', value: 40 };
  if (options.snapshot) event.snapshot = options.snapshot;
  return event;
}

/** A point `metres` north and `eastMetres` east of `origin`. */
export function offset(origin: { lat: number; lon: number }, northMetres: number, eastMetres = 0): { lat: number; lon: number } {
  const metresPerDegree = 111_195;
  return {
    lat: origin.lat + northMetres / metresPerDegree,
    lon: origin.lon + eastMetres / (metresPerDegree * Math.cos((origin.lat * Math.PI) / 180)),
  };
}
