import { averagePrecision, COCO_IOU_THRESHOLDS, matchPredictions, type ScoredMatch } from './averagePrecision.js';
import { boxIou, coverage, type Box, type LabelledBox, type ScoredBox } from './boxes.js';

/** An object in the scene that is not one of the model's classes (a bin, a bag, a puddle...). */
export interface DistractorBox extends Box {
  readonly kind: string;
}

export interface ImageEvaluation {
  readonly truths: readonly LabelledBox[];
  /** Everything the detector returned, down to a low score (the curves need the tail). */
  readonly predictions: readonly ScoredBox[];
  readonly distractors?: readonly DistractorBox[];
}

export interface ClassReport {
  readonly name: string;
  readonly truths: number;
  readonly ap50: number;
  readonly ap50_95: number;
  /** At the operating threshold, IoU 0.5. */
  readonly precision: number;
  readonly recall: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** The highest score threshold at which this class still reaches 95 % recall (IoU 0.5), and the precision there; null if it never does. */
  readonly atRecall95: { readonly threshold: number; readonly precision: number } | null;
}

export interface EvaluationReport {
  readonly images: number;
  /** Per class, in class order. */
  readonly operatingThresholds: readonly number[];
  readonly map50: number;
  readonly map50_95: number;
  readonly classes: readonly ClassReport[];
  /**
   * confusion[truth][predicted] at the operating threshold, IoU 0.5, matching across classes;
   * the last row and column are "background" (a miss, or a detection of nothing labelled).
   */
  readonly confusion: readonly (readonly number[])[];
  /** Detections of nothing labelled, by the look-alike they landed on ('other' when none). */
  readonly falsePositivesOn: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Below this much overlap a false positive is not blamed on a distractor. */
const DISTRACTOR_OVERLAP = 0.3;

/** operatingThreshold: one for all classes, or one per class (a missed open manhole costs more than a false alarm). */
export function evaluateDetections(images: readonly ImageEvaluation[], classNames: readonly string[], operatingThreshold: number | readonly number[]): EvaluationReport {
  const nc = classNames.length;
  const thresholds = classNames.map((_, c) => (typeof operatingThreshold === 'number' ? operatingThreshold : (operatingThreshold[c] ?? Number.NaN)));
  if (thresholds.some((t) => !(t >= 0 && t <= 1))) throw new RangeError(`one operating threshold in 0..1 per class is needed, got ${JSON.stringify(operatingThreshold)}`);
  const classes: ClassReport[] = classNames.map((name, c) => {
    const threshold = thresholds[c] as number;
    const perThreshold: ScoredMatch[][] = COCO_IOU_THRESHOLDS.map(() => []);
    let truths = 0;
    let tp = 0;
    let fp = 0;
    for (const image of images) {
      const t = image.truths.filter((b) => b.classId === c);
      const p = image.predictions.filter((b) => b.classId === c);
      truths += t.length;
      COCO_IOU_THRESHOLDS.forEach((thr, i) => perThreshold[i]?.push(...matchPredictions(p, t, thr)));
      for (const m of matchPredictions(
        p.filter((b) => b.score >= threshold),
        t,
        0.5,
      )) {
        if (m.truePositive) tp++;
        else fp++;
      }
    }
    const aps = perThreshold.map((m) => averagePrecision(m, truths));
    return {
      atRecall95: pointAtRecall(perThreshold[0] ?? [], truths, 0.95),
      name,
      truths,
      ap50: aps[0] as number,
      ap50_95: aps.reduce((a, b) => a + b, 0) / aps.length,
      precision: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
      recall: truths === 0 ? Number.NaN : tp / truths,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: truths - tp,
    };
  });
  const confusion = Array.from({ length: nc + 1 }, () => new Array<number>(nc + 1).fill(0));
  const falsePositivesOn: Record<string, Record<string, number>> = Object.fromEntries(classNames.map((n) => [n, {}]));
  for (const image of images) {
    const preds = image.predictions.filter((p) => p.score >= (thresholds[p.classId] ?? 1));
    const { pairs, unmatchedTruths, unmatchedPredictions } = matchAcrossClasses(image.truths, preds, 0.5);
    const bump = (row: number, col: number) => {
      const r = confusion[row] as number[];
      r[col] = (r[col] as number) + 1;
    };
    for (const [t, p] of pairs) bump(t.classId, p.classId);
    for (const t of unmatchedTruths) bump(t.classId, nc);
    for (const p of unmatchedPredictions) {
      bump(nc, p.classId);
      const on = blameDistractor(p, image.distractors ?? []);
      const tally = falsePositivesOn[classNames[p.classId] as string] as Record<string, number>;
      tally[on] = (tally[on] ?? 0) + 1;
    }
  }
  const mean = (xs: number[]) => {
    const valid = xs.filter((x) => !Number.isNaN(x));
    return valid.length === 0 ? Number.NaN : valid.reduce((a, b) => a + b, 0) / valid.length;
  };
  return {
    images: images.length,
    operatingThresholds: thresholds,
    map50: mean(classes.map((c) => c.ap50)),
    map50_95: mean(classes.map((c) => c.ap50_95)),
    classes,
    confusion,
    falsePositivesOn,
  };
}

function pointAtRecall(matches: readonly { score: number; truePositive: boolean }[], truths: number, target: number) {
  if (truths === 0) return null;
  const sorted = [...matches].sort((a, b) => b.score - a.score);
  let tp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i] as { score: number; truePositive: boolean };
    if (m.truePositive) tp++;
    if (tp / truths >= target) return { threshold: m.score, precision: tp / (i + 1) };
  }
  return null;
}

/** Greedy one-to-one matching by IoU regardless of class, so a wrong class shows as a confusion, not a miss. */
export function matchAcrossClasses(truths: readonly LabelledBox[], predictions: readonly ScoredBox[], iouThreshold: number) {
  const candidates: { t: number; p: number; iou: number }[] = [];
  truths.forEach((t, ti) =>
    predictions.forEach((p, pi) => {
      const o = boxIou(t, p);
      if (o >= iouThreshold) candidates.push({ t: ti, p: pi, iou: o });
    }),
  );
  // Same-class pairs first, then by overlap: a correct detection is never stolen by a neighbour's wrong one.
  candidates.sort((a, b) => {
    const sameA = truths[a.t]?.classId === predictions[a.p]?.classId ? 1 : 0;
    const sameB = truths[b.t]?.classId === predictions[b.p]?.classId ? 1 : 0;
    return sameB - sameA || b.iou - a.iou;
  });
  const usedT = new Set<number>();
  const usedP = new Set<number>();
  const pairs: [LabelledBox, ScoredBox][] = [];
  for (const c of candidates) {
    if (usedT.has(c.t) || usedP.has(c.p)) continue;
    usedT.add(c.t);
    usedP.add(c.p);
    pairs.push([truths[c.t] as LabelledBox, predictions[c.p] as ScoredBox]);
  }
  return {
    pairs,
    unmatchedTruths: truths.filter((_, i) => !usedT.has(i)),
    unmatchedPredictions: predictions.filter((_, i) => !usedP.has(i)),
  };
}

function blameDistractor(p: Box, distractors: readonly DistractorBox[]): string {
  let best = 'other';
  let bestOverlap = DISTRACTOR_OVERLAP;
  for (const d of distractors) {
    const o = Math.max(boxIou(p, d), coverage(p, d));
    if (o >= bestOverlap) {
      bestOverlap = o;
      best = d.kind;
    }
  }
  return best;
}
