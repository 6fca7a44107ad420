import { DetectorError } from './detectorErrors.js';

/** `v8`: [1, 4 + nc, N], class scores already final (YOLOv8/v11, our GridNet). `v5`: [1, N, 5 + nc], objectness times class score. */
export type YoloLayout = 'v8' | 'v5';

/** A box in model-input pixels before NMS. */
export interface Candidate {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
  classId: number;
}

export function detectLayout(dims: readonly number[], numClasses: number): { layout: YoloLayout; anchors: number } {
  if (dims.length === 3 && dims[0] === 1) {
    const [, a, b] = dims as [number, number, number];
    if (a === 4 + numClasses && b > 0) return { layout: 'v8', anchors: b };
    if (b === 5 + numClasses && a > 0) return { layout: 'v5', anchors: a };
  }
  throw new DetectorError(
    'MODEL_OUTPUT_SHAPE',
    `output shape [${dims.join(', ')}] fits neither [1, ${4 + numClasses}, N] (v8) nor [1, N, ${5 + numClasses}] (v5) for the ${numClasses} classes in the metadata`,
  );
}

/** Candidates whose best class score reaches minScore, at most maxCandidates of the best. */
export function decodeYolo(data: Float32Array, dims: readonly number[], numClasses: number, minScore: number, maxCandidates = 1000): Candidate[] {
  const { layout, anchors } = detectLayout(dims, numClasses);
  const expected = anchors * (numClasses + (layout === 'v8' ? 4 : 5));
  if (data.length !== expected) throw new DetectorError('MODEL_OUTPUT_SHAPE', `output holds ${data.length} values, its shape says ${expected}`);
  const out = layout === 'v8' ? decodeV8(data, anchors, numClasses, minScore) : decodeV5(data, anchors, numClasses, minScore);
  if (out.length > maxCandidates) {
    out.sort((a, b) => b.score - a.score);
    out.length = maxCandidates;
  }
  return out;
}

function decodeV8(data: Float32Array, n: number, nc: number, minScore: number): Candidate[] {
  const best = new Float32Array(n);
  const bestClass = new Uint16Array(n);
  // Class-major walk over [4 + nc, N]: contiguous reads, no per-anchor stride jumps.
  best.set(data.subarray(4 * n, 5 * n));
  for (let c = 1; c < nc; c++) {
    const row = data.subarray((4 + c) * n, (5 + c) * n);
    for (let i = 0; i < n; i++) {
      const s = row[i] as number;
      if (s > (best[i] as number)) {
        best[i] = s;
        bestClass[i] = c;
      }
    }
  }
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const score = best[i] as number;
    if (score < minScore) continue;
    const cx = data[i] as number;
    const cy = data[n + i] as number;
    const w = data[2 * n + i] as number;
    const h = data[3 * n + i] as number;
    out.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score, classId: bestClass[i] as number });
  }
  return out;
}

function decodeV5(data: Float32Array, n: number, nc: number, minScore: number): Candidate[] {
  const out: Candidate[] = [];
  const width = 5 + nc;
  for (let i = 0; i < n; i++) {
    const base = i * width;
    const objectness = data[base + 4] as number;
    if (objectness < minScore) continue;
    let classId = 0;
    let cls = data[base + 5] as number;
    for (let c = 1; c < nc; c++) {
      const s = data[base + 5 + c] as number;
      if (s > cls) {
        cls = s;
        classId = c;
      }
    }
    const score = objectness * cls;
    if (score < minScore) continue;
    const cx = data[base] as number;
    const cy = data[base + 1] as number;
    const w = data[base + 2] as number;
    const h = data[base + 3] as number;
    out.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score, classId });
  }
  return out;
}
