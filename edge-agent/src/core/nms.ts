import type { Candidate } from './decodeYolo.js';

export function iou(a: Candidate, b: Candidate): number {
  const iw = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const ih = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter);
}

/**
 * Greedy non-maximum suppression within each class: a box suppresses only boxes of its own class,
 * so an open manhole next to a garbage pile keeps both. Highest score first.
 */
export function nonMaxSuppression(candidates: readonly Candidate[], iouThreshold: number, maxDetections = 100): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of sorted) {
    if (kept.length >= maxDetections) break;
    if (kept.every((k) => k.classId !== c.classId || iou(k, c) <= iouThreshold)) kept.push(c);
  }
  return kept;
}
