import assert from 'node:assert/strict';
import { decodeYolo, detectLayout } from '../../src/core/decodeYolo.js';
import { DetectorError } from '../../src/core/detectorErrors.js';

/** Lays out rows [anchor][cx, cy, w, h, ...scores] as the v8 tensor [1, 4 + nc, N]. */
function v8(rows: number[][]): Float32Array {
  const n = rows.length;
  const width = (rows[0] as number[]).length;
  const out = new Float32Array(width * n);
  rows.forEach((row, i) => row.forEach((v, c) => (out[c * n + i] = v)));
  return out;
}

describe('decodeYolo', () => {
  it('decodes the YOLOv8/v11 layout [1, 4+nc, N] into corner boxes with the best class', () => {
    const data = v8([
      [100, 50, 20, 10, 0.1, 0.9, 0.2],
      [10, 10, 4, 4, 0.05, 0.01, 0.02],
      [200, 100, 40, 40, 0.6, 0.1, 0.7],
    ]);
    const out = decodeYolo(data, [1, 7, 3], 3, 0.25);
    assert.equal(out.length, 2);
    assert.deepEqual(out[0], { x0: 90, y0: 45, x1: 110, y1: 55, score: out[0]?.score, classId: 1 });
    assert.ok(Math.abs((out[0]?.score ?? 0) - 0.9) < 1e-6);
    assert.equal(out[1]?.classId, 2);
    assert.ok(Math.abs((out[1]?.score ?? 0) - 0.7) < 1e-6);
  });

  it('decodes the YOLOv5 layout [1, N, 5+nc] scoring objectness times class score', () => {
    const data = Float32Array.from([
      [100, 50, 20, 10, 0.8, 0.1, 0.9, 0.2],
      [10, 10, 4, 4, 0.9, 0.2, 0.2, 0.2],
      [200, 100, 40, 40, 0.2, 1.0, 0.0, 0.0],
    ].flat());
    const out = decodeYolo(data, [1, 3, 8], 3, 0.25);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.classId, 1);
    assert.ok(Math.abs((out[0]?.score ?? 0) - 0.72) < 1e-6);
    assert.deepEqual([out[0]?.x0, out[0]?.y0, out[0]?.x1, out[0]?.y1], [90, 45, 110, 55]);
  });

  it('tells the layouts apart by the class count from the metadata', () => {
    assert.deepEqual(detectLayout([1, 84, 8400], 80), { layout: 'v8', anchors: 8400 });
    assert.deepEqual(detectLayout([1, 25200, 85], 80), { layout: 'v5', anchors: 25200 });
    assert.deepEqual(detectLayout([1, 7, 2100], 3), { layout: 'v8', anchors: 2100 });
  });

  it('refuses an output that fits neither layout, naming the shape and the class count', () => {
    assert.throws(
      () => detectLayout([1, 9, 2100], 3),
      (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_OUTPUT_SHAPE' && /\[1, 9, 2100\]/.test(e.message) && /3 classes/.test(e.message) && !e.retriable,
    );
    assert.throws(() => detectLayout([7, 2100], 3), /MODEL_OUTPUT_SHAPE/);
    assert.throws(() => decodeYolo(new Float32Array(10), [1, 7, 2100], 3, 0.25), /holds 10 values/);
  });

  it('keeps only the best candidates when there are too many', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i, i, 2, 2, i / 100, 0, 0]);
    const out = decodeYolo(v8(rows), [1, 7, 50], 3, 0.0, 5);
    assert.deepEqual(
      out.map((c) => Math.round(c.score * 100)),
      [49, 48, 47, 46, 45],
    );
  });
});
