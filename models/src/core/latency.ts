export interface StageSample {
  readonly decodeMs: number;
  readonly preprocessMs: number;
  readonly inferenceMs: number;
  readonly postprocessMs: number;
}

export interface StageStats {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
}

export type LatencySummary = Record<keyof StageSample | 'totalMs', StageStats> & { readonly frames: number };

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] as number;
}

export function stats(values: readonly number[]): StageStats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return { mean, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}

export function summarizeLatency(samples: readonly StageSample[]): LatencySummary {
  const pick = (f: (s: StageSample) => number) => stats(samples.map(f));
  return {
    frames: samples.length,
    decodeMs: pick((s) => s.decodeMs),
    preprocessMs: pick((s) => s.preprocessMs),
    inferenceMs: pick((s) => s.inferenceMs),
    postprocessMs: pick((s) => s.postprocessMs),
    totalMs: pick((s) => s.decodeMs + s.preprocessMs + s.inferenceMs + s.postprocessMs),
  };
}
