import { anomalyEventCodec, isAnomalyKind, type AnomalyEvent, type ModelInfo } from '@gridsight/contracts';
import type { GeoPosition } from './geoProjection.js';
import type { TrackEvent } from './tracker.js';
import type { SensorRule } from './sensorRules.js';

export interface CameraEventInput {
  readonly eventId: string;
  readonly gatewayId: string;
  readonly cameraId: string;
  readonly observedAt: Date;
  readonly event: TrackEvent;
  readonly location: GeoPosition;
  readonly model: ModelInfo;
  /** Base64 JPEG crop; only `detected` events carry one. */
  readonly snapshot?: string;
}

const roundTo = (value: number, digits: number): number => Number(value.toFixed(digits));
const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/** Fits a detector box into the contract's rules: inside the image, positive size. */
export function contractBox(box: readonly [number, number, number, number]): [number, number, number, number] {
  const x = roundTo(clamp01(box[0]), 6);
  const y = roundTo(clamp01(box[1]), 6);
  const w = Math.max(1e-6, roundTo(Math.min(1 - x, box[0] + box[2] - x), 6));
  const h = Math.max(1e-6, roundTo(Math.min(1 - y, box[1] + box[3] - y), 6));
  return [x, y, w, h];
}

function checked(event: AnomalyEvent): AnomalyEvent {
  const result = anomalyEventCodec.check(event);
  if (!result.ok) throw result.error;
  return result.value;
}

/** A contract-valid AnomalyEvent for a tracker event; throws ContractValidationError naming the field otherwise. */
export function cameraAnomalyEvent(input: CameraEventInput): AnomalyEvent {
  const kind = input.event.track.className;
  if (!isAnomalyKind(kind)) throw new RangeError(`class ${kind} is not an anomaly kind of the contract`);
  return checked({
    schema: 'anomaly/v1',
    eventId: input.eventId,
    type: input.event.type,
    kind,
    source: { type: 'camera', gatewayId: input.gatewayId, deviceId: input.cameraId },
    observedAt: input.observedAt.toISOString(),
    confidence: roundTo(clamp01(input.event.confidence), 4),
    bbox: contractBox(input.event.track.box),
    trackId: input.event.track.id,
    location: { lat: input.location.lat, lon: input.location.lon, accuracyM: roundTo(input.location.accuracyM, 2) },
    model: input.model,
    ...(input.event.type === 'detected' && input.snapshot ? { snapshot: input.snapshot } : {}),
  });
}

export interface SensorEventInput {
  readonly eventId: string;
  readonly gatewayId: string;
  readonly sensorId: string;
  readonly observedAt: Date;
  readonly type: 'detected' | 'cleared';
  readonly rule: SensorRule;
  readonly value: number;
  readonly unit?: string;
  readonly location: GeoPosition;
}

export function sensorAnomalyEvent(input: SensorEventInput): AnomalyEvent {
  if (!isAnomalyKind(input.rule.kind)) throw new RangeError(`kind ${input.rule.kind} is not an anomaly kind of the contract`);
  return checked({
    schema: 'anomaly/v1',
    eventId: input.eventId,
    type: input.type,
    kind: input.rule.kind,
    source: { type: 'sensor', gatewayId: input.gatewayId, deviceId: input.sensorId },
    observedAt: input.observedAt.toISOString(),
    confidence: 1,
    location: { lat: input.location.lat, lon: input.location.lon, accuracyM: input.location.accuracyM },
    measurement: { metric: input.rule.metric, value: input.value, ...(input.unit ? { unit: input.unit } : {}) },
  });
}
