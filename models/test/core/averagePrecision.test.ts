import assert from 'node:assert/strict';
import { averagePrecision, matchPredictions } from '../../src/core/averagePrecision.js';
import type { LabelledBox, ScoredBox } from '../../src/core/boxes.js';

const truth = (x0: number, y0: number, x1: number, y1: number, classId = 0): LabelledBox => ({ x0, y0, x1, y1, classId });
const pred = (x0: number, y0: number, x1: number, y1: number, score: number, classId = 0): ScoredBox => ({ x0, y0, x1, y1, score, classId });

describe('average precision', () => {
  it('is 1 when every truth is found before any false alarm', () => {
    assert.equal(averagePrecision([{ score: 0.9, truePositive: true }, { score: 0.8, truePositive: true }, { score: 0.1, truePositive: false }], 2), 1);
  });

  it('matches a hand-computed 101-point interpolation', () => {
    // Recall 0.5 at precision 1, then a false alarm, then recall 1 at precision 2/3:
    // 51 recall points (0..0.50) at 1 and 50 points (0.51..1) at 2/3.
    const ap = averagePrecision([{ score: 0.9, truePositive: true }, { score: 0.8, truePositive: false }, { score: 0.7, truePositive: true }], 2);
    assert.ok(Math.abs(ap - (51 + 50 * (2 / 3)) / 101) < 1e-12, String(ap));
  });

  it('counts truths never found against recall', () => {
    const ap = averagePrecision([{ score: 0.9, truePositive: true }], 4);
    assert.ok(Math.abs(ap - 26 / 101) < 1e-12, String(ap));
  });

  it('is 0 with no predictions and NaN with nothing to find', () => {
    assert.equal(averagePrecision([], 3), 0);
    assert.ok(Number.isNaN(averagePrecision([{ score: 0.5, truePositive: false }], 0)));
  });
});

describe('matchPredictions', () => {
  it('lets the best-scored prediction take a truth and counts a duplicate as a false positive', () => {
    const m = matchPredictions([pred(0, 0, 0.5, 0.5, 0.6), pred(0, 0, 0.5, 0.5, 0.9)], [truth(0, 0, 0.5, 0.5)], 0.5);
    assert.deepEqual(m, [
      { score: 0.9, truePositive: true },
      { score: 0.6, truePositive: false },
    ]);
  });

  it('needs the IoU to reach the threshold', () => {
    // IoU of [0,0.4]x[0,1] with [0,0.5]x[0,1] is 0.8.
    assert.equal(matchPredictions([pred(0, 0, 0.4, 1, 0.9)], [truth(0, 0, 0.5, 1)], 0.8)[0]?.truePositive, true);
    assert.equal(matchPredictions([pred(0, 0, 0.4, 1, 0.9)], [truth(0, 0, 0.5, 1)], 0.85)[0]?.truePositive, false);
  });

  it('takes the truth it overlaps most when two are in reach', () => {
    const m = matchPredictions([pred(0.1, 0, 0.6, 0.5, 0.9), pred(0, 0, 0.5, 0.5, 0.8)], [truth(0, 0, 0.5, 0.5), truth(0.1, 0, 0.6, 0.5)], 0.5);
    assert.deepEqual(
      m.map((x) => x.truePositive),
      [true, true],
    );
  });
});
