import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createDetector, type Detector } from '@gridsight/edge-agent/detector';
import { readYoloDataset } from '../src/adapters/yoloDataset.js';
import { evaluateDetections, type ImageEvaluation } from '../src/core/evaluation.js';
import { SHIPPED_MODEL } from '../src/shippedModel.js';

describe('the shipped detector', function () {
  this.timeout(120_000);
  let detector: Detector;

  before(async () => {
    detector = await createDetector({ modelPath: SHIPPED_MODEL.path, threads: 1, scoreThreshold: Math.min(...SHIPPED_MODEL.operatingThresholds) });
  });
  after(async () => detector?.close());

  it('loads through the edge agent, its metadata naming the three classes at 416x416', () => {
    assert.deepEqual(detector.model.names, ['garbage_pile', 'manhole_open', 'manhole_covered']);
    assert.deepEqual([detector.model.inputWidth, detector.model.inputHeight, detector.model.stride, detector.model.layout], [416, 416, 32, 'v8']);
    assert.match(detector.model.version, /^\d+\.\d+\.\d+$/);
  });

  it('has the SHA-256 its model card states, and fits the 15 MB budget', () => {
    const card = readFileSync(SHIPPED_MODEL.card, 'utf8');
    const stated = /SHA-256[^`]*`([0-9a-f]{64})`/.exec(card)?.[1];
    const actual = createHash('sha256').update(readFileSync(SHIPPED_MODEL.path)).digest('hex');
    assert.equal(stated, actual, 'MODEL_CARD.md states another SHA-256 than the model file has');
    assert.equal(detector.model.sha256, actual);
    assert.ok(statSync(SHIPPED_MODEL.path).size <= 15 * 1024 * 1024);
  });

  it('finds the labelled objects of the committed held-out scenes at the operating threshold', async () => {
    const images = await readYoloDataset(SHIPPED_MODEL.heldOutDir, 'test');
    const evaluations: ImageEvaluation[] = [];
    for (const image of images) {
      const result = await detector.detect(readFileSync(image.imagePath));
      evaluations.push({
        truths: image.truths,
        predictions: result.detections.map((d) => ({ classId: d.classId, score: d.score, x0: d.box[0], y0: d.box[1], x1: d.box[0] + d.box[2], y1: d.box[1] + d.box[3] })),
      });
    }
    const report = evaluateDetections(evaluations, detector.model.names, SHIPPED_MODEL.operatingThresholds);
    for (const c of report.classes) {
      const floor = MIN_RECALL[c.name] ?? 1;
      assert.ok(c.truths >= 5, `the held-out sample must hold several ${c.name}`);
      assert.ok(c.recall >= floor, `${c.name}: found ${c.truePositives} of ${c.truths} (recall ${c.recall.toFixed(2)}), below ${floor}`);
    }
    assert.ok(report.map50 >= MIN_MAP50, `mAP@0.5 ${report.map50.toFixed(3)} below ${MIN_MAP50}`);
  });
});

// Model 1.1.0 on these 16 scenes finds 9/9 piles, 14/15 open and 9/12 covered manholes at the
// operating thresholds (mAP@0.5 0.838; MODEL_CARD.md has the full test split). The floors sit a
// little below that: a regression in the model or in the edge agent's inference path fails here.
const MIN_RECALL: Record<string, number> = { garbage_pile: 0.85, manhole_open: 0.85, manhole_covered: 0.65 };
const MIN_MAP50 = 0.78;
