import { strict as assert } from 'node:assert';
import { anomalyEventCodec, ContractValidationError } from '@gridsight/contracts';
import { v7 as uuidv7 } from 'uuid';
import { cameraAnomalyEvent, contractBox, sensorAnomalyEvent } from '../../src/core/anomalyEvents.js';
import type { Track } from '../../src/core/tracker.js';

const track: Track = {
  id: 'cam1-7',
  className: 'garbage_pile',
  box: [0.9, 0.5, 0.2, 0.3],
  hits: [true, true, true],
  scores: [0.8, 0.8, 0.8],
  confirmed: true,
  firstSeenMs: 0,
  lastSeenMs: 0,
  lastAnnouncedMs: 0,
  lastAnnouncedBox: [0.9, 0.5, 0.2, 0.3],
};
const model = { name: 'gridsight-detector', version: '1.0.0', sha256: 'a'.repeat(64) };
const base = { gatewayId: 'gw-1', cameraId: 'cam1', observedAt: new Date('2026-11-28T10:00:00.000Z'), location: { lat: 52.5, lon: 13.4, accuracyM: 3.14159 }, model };

describe('anomaly events', () => {
  it('builds a contract-valid detected event with the crop and a box clipped to the frame', () => {
    const event = cameraAnomalyEvent({ ...base, eventId: uuidv7(), event: { type: 'detected', track, confidence: 0.8 }, snapshot: '/9j/AAAA' });
    assert.equal(anomalyEventCodec.check(event).ok, true);
    assert.deepEqual(event.bbox, [0.9, 0.5, 0.1, 0.3]);
    assert.equal(event.snapshot, '/9j/AAAA');
    assert.equal(event.location.accuracyM, 3.14);
  });

  it('leaves the crop off updated and cleared events', () => {
    const event = cameraAnomalyEvent({ ...base, eventId: uuidv7(), event: { type: 'cleared', track, confidence: 0.8 }, snapshot: '/9j/AAAA' });
    assert.equal(event.snapshot, undefined);
  });

  it('refuses an event id that is not a UUIDv7, naming the field', () => {
    assert.throws(
      () => cameraAnomalyEvent({ ...base, eventId: 'not-a-uuid', event: { type: 'detected', track, confidence: 0.8 } }),
      (error: unknown) => error instanceof ContractValidationError && /eventId/.test(error.message),
    );
  });

  it('refuses a class that is not an anomaly kind', () => {
    assert.throws(() => cameraAnomalyEvent({ ...base, eventId: uuidv7(), event: { type: 'detected', track: { ...track, className: 'manhole_covered' }, confidence: 0.8 } }), /not an anomaly kind/);
  });

  it('keeps a positive size for a box entirely off the frame edge', () => {
    const [x, , w] = contractBox([1.2, 0, 0.1, 0.1]);
    assert.equal(x, 1);
    assert.ok(w > 0);
  });

  it('builds a sensor event carrying the measurement', () => {
    const event = sensorAnomalyEvent({
      eventId: uuidv7(),
      gatewayId: 'gw-1',
      sensorId: 'bin-3',
      observedAt: new Date('2026-11-28T10:00:00.000Z'),
      type: 'detected',
      rule: { metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, holdMs: 0, clearBelow: 50, clearHoldMs: 0 },
      value: 93,
      unit: '%',
      location: { lat: 52.5, lon: 13.4, accuracyM: 2 },
    });
    assert.equal(anomalyEventCodec.check(event).ok, true);
    assert.deepEqual(event.measurement, { metric: 'fill_pct', value: 93, unit: '%' });
  });
});
