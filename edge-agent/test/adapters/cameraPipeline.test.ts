import { strict as assert } from 'node:assert';
import { anomalyEventCodec } from '@gridsight/contracts';
import sharp from 'sharp';
import { createCameraPipeline } from '../../src/adapters/cameraPipeline.js';
import { toLocalMetres } from '../../src/core/geoProjection.js';
import type { CameraConfig } from '../../src/config.js';
import type { DetectionResult } from '../../src/detector.js';

const camera: CameraConfig = {
  id: 'cam-1',
  source: { type: 'folder', dir: '/tmp', extensions: ['.jpg'], fps: 1, loop: true },
  zones: [[[0, 0.5], [1, 0.5], [1, 1], [0, 1]]],
  location: { lat: 52.52, lon: 13.405, accuracyM: 15 },
  pose: { lat: 52.52, lon: 13.405, headingDeg: 0, pitchDeg: 45, heightM: 5, horizontalFovDeg: 90, verticalFovDeg: 90, positionAccuracyM: 1, maxRangeM: 60 },
};
const tracking = { matchIou: 0.3, confirmHits: 2, confirmWindow: 3, confirmMedianScore: 0.5, clearAfterMs: 5000, stillPresentEveryMs: 600_000, changedBelowIou: 0.3 };
const model = { name: 'gridsight-detector', version: '1.0.0', sha256: 'b'.repeat(64) };
const result = (detections: DetectionResult['detections']): DetectionResult => ({
  detections,
  width: 640,
  height: 480,
  timings: { decodeMs: 1, preprocessMs: 1, inferenceMs: 10, postprocessMs: 1 },
});
// Bottom centre at (0.5, 0.5): the image centre, 5 m ahead (north) of a camera 5 m up tilted 45°.
const pile = { classId: 0, className: 'garbage_pile', score: 0.8, box: [0.4, 0.3, 0.2, 0.2] as const };
const covered = { classId: 2, className: 'manhole_covered', score: 0.9, box: [0.1, 0.6, 0.1, 0.1] as const };
const above = { classId: 0, className: 'garbage_pile', score: 0.9, box: [0.1, 0.1, 0.1, 0.1] as const };

describe('camera pipeline', () => {
  it('confirms a pile in the zone into one contract-valid detected event with a crop and its ground position, then clears it', async () => {
    const image = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#556b2f' } }).jpeg().toBuffer();
    const pipeline = createCameraPipeline(camera, {
      gatewayId: 'gw-1',
      model,
      classes: { garbage_pile: { minScore: 0.5, minArea: 0.001 } },
      tracking,
      onSnapshotError: (error) => assert.fail(error),
    });
    const at = (s: number) => new Date(Date.UTC(2026, 10, 28, 10, 0, s));
    assert.deepEqual(await pipeline.process(result([pile, covered, above]), image, at(0)), []);
    const [detected, ...rest] = await pipeline.process(result([pile, covered, above]), image, at(1));
    assert.equal(rest.length, 0, 'the covered manhole is not an anomaly class here, and the box above the zone does not count');
    assert.ok(detected);
    assert.equal(anomalyEventCodec.check(detected).ok, true);
    assert.equal(detected.type, 'detected');
    assert.equal(detected.observedAt, '2026-11-28T10:00:01.000Z');
    assert.ok(detected.snapshot?.startsWith('/9j/'));
    const [east, north] = toLocalMetres(camera.location, detected.location);
    assert.ok(Math.abs(east) < 0.01 && Math.abs(north - 5) < 0.01, `projected to ${east.toFixed(3)} E, ${north.toFixed(3)} N`);
    assert.deepEqual(await pipeline.process(result([]), image, at(3)), []);
    const [cleared] = await pipeline.process(result([]), image, at(7));
    assert.equal(cleared?.type, 'cleared');
    assert.equal(cleared?.trackId, detected.trackId);
    assert.equal(cleared?.snapshot, undefined);
  });
});
