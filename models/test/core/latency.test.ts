import assert from 'node:assert/strict';
import { percentile, summarizeLatency } from '../../src/core/latency.js';

describe('latency summary', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 0.5), 10);
    assert.equal(percentile(sorted, 0.95), 19);
    assert.equal(percentile([7], 0.95), 7);
  });

  it('summarises every stage and their total', () => {
    const s = summarizeLatency([
      { decodeMs: 1, preprocessMs: 2, inferenceMs: 10, postprocessMs: 1 },
      { decodeMs: 3, preprocessMs: 2, inferenceMs: 20, postprocessMs: 1 },
    ]);
    assert.equal(s.frames, 2);
    assert.equal(s.inferenceMs.mean, 15);
    assert.equal(s.totalMs.mean, 20);
    assert.equal(s.totalMs.p95, 26);
  });
});
