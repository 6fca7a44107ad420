import assert from 'node:assert/strict';
import type { LabelledBox, ScoredBox } from '../../src/core/boxes.js';
import { evaluateDetections, type ImageEvaluation } from '../../src/core/evaluation.js';

const NAMES = ['garbage_pile', 'manhole_open', 'manhole_covered'];
const truth = (classId: number, x0: number, y0: number, s = 0.1): LabelledBox => ({ classId, x0, y0, x1: x0 + s, y1: y0 + s });
const pred = (classId: number, x0: number, y0: number, score: number, s = 0.1): ScoredBox => ({ classId, x0, y0, x1: x0 + s, y1: y0 + s, score });

describe('evaluateDetections', () => {
  const images: ImageEvaluation[] = [
    {
      truths: [truth(0, 0.1, 0.1), truth(1, 0.5, 0.5)],
      predictions: [pred(0, 0.1, 0.1, 0.9), pred(1, 0.5, 0.5, 0.8), pred(0, 0.8, 0.8, 0.6)],
      distractors: [{ kind: 'bin', x0: 0.79, y0: 0.79, x1: 0.91, y1: 0.91 }],
    },
    {
      // An open manhole taken for a covered one, and a covered one missed altogether.
      truths: [truth(1, 0.2, 0.2), truth(2, 0.6, 0.2)],
      predictions: [pred(2, 0.2, 0.2, 0.7), pred(1, 0.0, 0.8, 0.1)],
    },
  ];
  const report = evaluateDetections(images, NAMES, 0.25);

  it('computes precision and recall per class at the operating threshold', () => {
    const [garbage, open, covered] = report.classes;
    assert.deepEqual([garbage?.truePositives, garbage?.falsePositives, garbage?.falseNegatives], [1, 1, 0]);
    assert.equal(garbage?.precision, 0.5);
    assert.equal(garbage?.recall, 1);
    assert.deepEqual([open?.truths, open?.truePositives, open?.falseNegatives, open?.recall], [2, 1, 1, 0.5]);
    assert.deepEqual([covered?.truePositives, covered?.falsePositives, covered?.falseNegatives], [0, 1, 1]);
  });

  it('computes AP per class from all scores and averages over classes', () => {
    const [garbage, open, covered] = report.classes;
    assert.equal(garbage?.ap50, 1);
    // manhole_open: the true positive (0.8) first, then a false alarm (0.1); recall stops at 0.5.
    assert.ok(Math.abs((open?.ap50 ?? 0) - 51 / 101) < 1e-12);
    assert.equal(covered?.ap50, 0);
    assert.ok(Math.abs(report.map50 - (1 + 51 / 101 + 0) / 3) < 1e-12);
    assert.ok((garbage?.ap50_95 ?? 0) <= (garbage?.ap50 ?? 0));
  });

  it('shows an open manhole taken for a covered one as a confusion, not only as a miss', () => {
    assert.equal(report.confusion[1]?.[2], 1, 'manhole_open detected as manhole_covered');
    assert.equal(report.confusion[2]?.[3], 1, 'manhole_covered missed');
    assert.equal(report.confusion[0]?.[0], 1);
    assert.equal(report.confusion[3]?.[0], 1, 'a garbage detection of nothing labelled');
  });

  it('blames a false positive on the look-alike it landed on', () => {
    assert.deepEqual(report.falsePositivesOn.garbage_pile, { bin: 1 });
    assert.deepEqual(report.falsePositivesOn.manhole_open, {});
  });

  it('applies one operating threshold per class when given them', () => {
    const r = evaluateDetections(images, NAMES, [0.95, 0.05, 0.25]);
    assert.deepEqual(r.operatingThresholds, [0.95, 0.05, 0.25]);
    assert.equal(r.classes[0]?.truePositives, 0, 'the garbage detection at 0.9 is below 0.95');
    assert.equal(r.classes[1]?.falsePositives, 1, 'the open-manhole detection at 0.1 now counts');
    assert.throws(() => evaluateDetections(images, NAMES, [0.5, 0.5]), RangeError);
  });

  it('finds the highest threshold that still reaches 95 % recall, and the precision there', () => {
    assert.deepEqual(report.classes[0]?.atRecall95, { threshold: 0.9, precision: 1 });
    assert.equal(report.classes[1]?.atRecall95, null, 'one of two open manholes is never found');
    const many: ImageEvaluation[] = Array.from({ length: 20 }, (_, i) => ({ truths: [truth(1, 0.1, 0.1)], predictions: [pred(1, 0.1, 0.1, 0.5 + i / 100), pred(1, 0.6, 0.6, 0.45)] }));
    // 19 of 20 found at the 19th-best score (0.51), the false alarms at 0.45 all rank below it.
    assert.deepEqual(evaluateDetections(many, NAMES, 0.25).classes[1]?.atRecall95, { threshold: 0.51, precision: 1 });
  });

  it('treats the box precisely: a shifted detection below IoU 0.5 is a miss plus a false positive', () => {
    const r = evaluateDetections([{ truths: [truth(0, 0, 0)], predictions: [pred(0, 0.06, 0, 0.9)] }], NAMES, 0.25);
    assert.deepEqual([r.classes[0]?.truePositives, r.classes[0]?.falsePositives, r.classes[0]?.falseNegatives], [0, 1, 1]);
    assert.ok(Number.isNaN(r.classes[1]?.ap50 ?? 0), 'no open manholes to find: left out of the mean');
    assert.equal(r.map50, 0);
  });
});
