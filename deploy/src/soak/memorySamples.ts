import { leastSquaresSlope } from './slope.js';

/** One reading of one service's memory, `atS` seconds after the load started. */
export interface MemorySample {
  service: string;
  atS: number;
  rssBytes: number;
  heapUsedBytes?: number;
}

export interface MemorySummary {
  samples: number;
  rssMb: { first: number; last: number; max: number };
  heapUsedMb?: { first: number; last: number; max: number };
  /** Least-squares trend after the warm-up, in MB per hour; absent with fewer than two samples past it. */
  rssSlopeMbPerHour?: number;
  heapSlopeMbPerHour?: number;
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/**
 * Memory readings from a service's Prometheus text: prom-client's default process and heap gauges,
 * whatever prefix the service gives them.
 */
export function memoryFromMetrics(text: string): { rssBytes: number; heapUsedBytes?: number } | undefined {
  const gauge = (suffix: string): number | undefined => {
    const match = new RegExp(`^\\w*${suffix}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const rssBytes = gauge('process_resident_memory_bytes');
  if (rssBytes === undefined) return undefined;
  const heapUsedBytes = gauge('nodejs_heap_size_used_bytes');
  return heapUsedBytes === undefined ? { rssBytes } : { rssBytes, heapUsedBytes };
}

/** Resident set size from /proc/<pid>/status, for a process whose /metrics does not answer. */
export function rssFromProcStatus(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

export function summariseMemory(samples: readonly MemorySample[], warmupS: number): MemorySummary | undefined {
  if (samples.length === 0) return undefined;
  const ordered = [...samples].sort((a, b) => a.atS - b.atS);
  const rss = ordered.map((s) => s.rssBytes / MB);
  const settled = ordered.filter((s) => s.atS >= warmupS);
  const perHour = (pick: (s: MemorySample) => number | undefined): number | undefined => {
    const points = settled.flatMap((s) => {
      const y = pick(s);
      return y === undefined ? [] : [{ x: s.atS / 3600, y: y / MB }];
    });
    const slope = leastSquaresSlope(points);
    return slope === undefined ? undefined : round(slope);
  };
  const summary: MemorySummary = {
    samples: ordered.length,
    rssMb: { first: round(rss[0]!), last: round(rss.at(-1)!), max: round(Math.max(...rss)) },
  };
  const heap = ordered.flatMap((s) => (s.heapUsedBytes === undefined ? [] : [s.heapUsedBytes / MB]));
  if (heap.length > 0) summary.heapUsedMb = { first: round(heap[0]!), last: round(heap.at(-1)!), max: round(Math.max(...heap)) };
  const rssSlope = perHour((s) => s.rssBytes);
  if (rssSlope !== undefined) summary.rssSlopeMbPerHour = rssSlope;
  const heapSlope = perHour((s) => s.heapUsedBytes);
  if (heapSlope !== undefined) summary.heapSlopeMbPerHour = heapSlope;
  return summary;
}
