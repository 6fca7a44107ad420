import { strict as assert } from 'node:assert';
import { bottomCentre, filterDetections, pointInPolygon, type ImagePoint } from '../../src/core/zones.js';

const square: ImagePoint[] = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]];
const thresholds = { garbage_pile: { minScore: 0.5, minArea: 0.01 } };

describe('zones', () => {
  it('puts the foot of a box at the middle of its bottom edge', () => {
    assert.deepEqual(bottomCentre([0.1, 0.2, 0.4, 0.3]), [0.30000000000000004, 0.5]);
  });

  it('tells points inside a concave polygon from points in its notch', () => {
    const ell: ImagePoint[] = [[0, 0], [1, 0], [1, 0.4], [0.4, 0.4], [0.4, 1], [0, 1]];
    assert.equal(pointInPolygon([0.2, 0.8], ell), true);
    assert.equal(pointInPolygon([0.8, 0.2], ell), true);
    assert.equal(pointInPolygon([0.8, 0.8], ell), false);
  });

  it('counts a detection whose bottom centre is in a zone even when its top is outside', () => {
    const tall = { className: 'garbage_pile', score: 0.9, box: [0.4, 0.0, 0.2, 0.5] as const };
    const outside = { className: 'garbage_pile', score: 0.9, box: [0.4, 0.5, 0.2, 0.45] as const };
    assert.deepEqual(filterDetections([tall, outside], { zones: [square], classes: thresholds }), [tall]);
  });

  it('drops detections below the class minimum score or area, and classes not configured', () => {
    const keep = { className: 'garbage_pile', score: 0.6, box: [0.3, 0.3, 0.2, 0.2] as const };
    const weak = { className: 'garbage_pile', score: 0.4, box: [0.3, 0.3, 0.2, 0.2] as const };
    const tiny = { className: 'garbage_pile', score: 0.9, box: [0.3, 0.3, 0.05, 0.05] as const };
    const other = { className: 'manhole_covered', score: 0.9, box: [0.3, 0.3, 0.2, 0.2] as const };
    assert.deepEqual(filterDetections([keep, weak, tiny, other], { zones: [], classes: thresholds }), [keep]);
  });
});
