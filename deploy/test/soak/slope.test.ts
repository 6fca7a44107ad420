import assert from 'node:assert/strict';
import { leastSquaresSlope } from '../../src/soak/slope.js';

describe('least-squares slope', () => {
  it('is the rate of a straight line', () => {
    assert.equal(leastSquaresSlope([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x }))), 2);
  });

  it('finds the trend of a growing sawtooth, whatever phase the last sample falls in', () => {
    // GC-like cycles of 10 samples rising 9 MB each, on a base rising 1 MB per sample.
    const points = Array.from({ length: 95 }, (_, x) => ({ x, y: 100 + x + (x % 10) }));
    assert.ok(Math.abs(leastSquaresSlope(points)! - 1) < 0.05);
  });

  it('is zero for flat memory that wobbles symmetrically', () => {
    assert.equal(leastSquaresSlope([0, 1, 2, 3, 4].map((x) => ({ x, y: x % 2 === 0 ? 10 : 12 }))), 0);
  });

  it('has no answer for fewer than two points or one instant', () => {
    assert.equal(leastSquaresSlope([]), undefined);
    assert.equal(leastSquaresSlope([{ x: 1, y: 1 }]), undefined);
    assert.equal(leastSquaresSlope([{ x: 1, y: 1 }, { x: 1, y: 3 }]), undefined);
  });
});
