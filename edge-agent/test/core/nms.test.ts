import assert from 'node:assert/strict';
import type { Candidate } from '../../src/core/decodeYolo.js';
import { iou, nonMaxSuppression } from '../../src/core/nms.js';

const box = (x0: number, y0: number, x1: number, y1: number, score: number, classId: number): Candidate => ({ x0, y0, x1, y1, score, classId });

describe('nonMaxSuppression', () => {
  it('computes IoU of overlapping, touching and disjoint boxes', () => {
    assert.equal(iou(box(0, 0, 10, 10, 1, 0), box(5, 0, 15, 10, 1, 0)), 50 / 150);
    assert.equal(iou(box(0, 0, 10, 10, 1, 0), box(10, 0, 20, 10, 1, 0)), 0);
    assert.equal(iou(box(0, 0, 10, 10, 1, 0), box(0, 0, 10, 10, 1, 0)), 1);
  });

  it('keeps the best of overlapping boxes of one class', () => {
    const kept = nonMaxSuppression([box(0, 0, 10, 10, 0.6, 0), box(1, 1, 11, 11, 0.9, 0), box(50, 50, 60, 60, 0.3, 0)], 0.5);
    assert.deepEqual(
      kept.map((k) => k.score),
      [0.9, 0.3],
    );
  });

  it('never lets one class suppress another: an open manhole under a garbage pile stays', () => {
    const kept = nonMaxSuppression([box(0, 0, 10, 10, 0.9, 0), box(0, 0, 10, 10, 0.8, 1)], 0.5);
    assert.equal(kept.length, 2);
  });

  it('keeps boxes that overlap at or below the threshold and stops at maxDetections', () => {
    const kept = nonMaxSuppression([box(0, 0, 10, 10, 0.9, 0), box(5, 0, 15, 10, 0.8, 0)], 0.34);
    assert.equal(kept.length, 2);
    const many = Array.from({ length: 10 }, (_, i) => box(i * 20, 0, i * 20 + 10, 10, 1 - i / 100, 0));
    assert.equal(nonMaxSuppression(many, 0.5, 3).length, 3);
  });
});
