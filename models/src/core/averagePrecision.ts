import { boxIou, type LabelledBox, type ScoredBox } from './boxes.js';

/** IoU thresholds of mAP@0.5:0.95 (COCO): 0.50, 0.55, ..., 0.95. */
export const COCO_IOU_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);

export interface ScoredMatch {
  readonly score: number;
  readonly truePositive: boolean;
}

/**
 * For one image and one class: each prediction, best score first, takes the unmatched ground
 * truth it overlaps most if that IoU reaches the threshold (the COCO / VOC greedy rule).
 */
export function matchPredictions(predictions: readonly ScoredBox[], truths: readonly LabelledBox[], iouThreshold: number): ScoredMatch[] {
  const taken = new Array<boolean>(truths.length).fill(false);
  return [...predictions]
    .sort((a, b) => b.score - a.score)
    .map((p) => {
      let best = -1;
      let bestIou = iouThreshold;
      truths.forEach((t, i) => {
        if (taken[i]) return;
        const o = boxIou(p, t);
        if (o >= bestIou) {
          bestIou = o;
          best = i;
        }
      });
      if (best >= 0) taken[best] = true;
      return { score: p.score, truePositive: best >= 0 };
    });
}

/**
 * Area under the interpolated precision-recall curve, sampled at 101 recall points (COCO).
 * NaN when there is nothing to find: such a class is left out of the mean, as COCO does.
 */
export function averagePrecision(matches: readonly ScoredMatch[], numTruths: number): number {
  if (numTruths === 0) return Number.NaN;
  const sorted = [...matches].sort((a, b) => b.score - a.score);
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  sorted.forEach((m, i) => {
    if (m.truePositive) tp++;
    recall.push(tp / numTruths);
    precision.push(tp / (i + 1));
  });
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i] as number, precision[i + 1] as number);
  let sum = 0;
  for (let k = 0; k <= 100; k++) {
    const r = k / 100;
    const idx = recall.findIndex((v) => v >= r - 1e-12);
    sum += idx === -1 ? 0 : (precision[idx] as number);
  }
  return sum / 101;
}
