import { leastSquaresSlope, type Point } from './slope.js';

/** One reading of one service's memory, `atS` seconds after the load started. */
export interface MemorySample {
  service: string;
  atS: number;
  rssBytes: number;
  heapUsedBytes?: number;
  /** What V8 has reserved for the heap, and memory outside it (Buffers, native modules): where RSS goes when heap used stays flat. */
  heapTotalBytes?: number;
  externalBytes?: number;
}

export interface MemorySummary {
  samples: number;
  rssMb: { first: number; last: number; max: number };
  heapUsedMb?: { first: number; last: number; max: number };
  /** Least-squares trend after the warm-up, in MB per hour; absent with fewer than two samples past it. */
  rssSlopeMbPerHour?: number;
  heapSlopeMbPerHour?: number;
  heapTotalMb?: { first: number; last: number; max: number };
  externalMb?: { first: number; last: number; max: number };
  heapTotalSlopeMbPerHour?: number;
  externalSlopeMbPerHour?: number;
  /**
   * The lowest heap used in each window of FLOOR_WINDOW_S after the warm-up: close to the live heap
   * right after a full collection. Heap used itself is a sawtooth whose peaks grow with V8's
   * reserve on a busy machine; a leak raises the floor.
   */
  heapFloorMb?: { first: number; last: number; max: number };
  heapFloorSlopeMbPerHour?: number;
}

export const FLOOR_WINDOW_S = 120;

const MB = 1024 * 1024;
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/**
 * Memory readings from a service's Prometheus text: prom-client's default process and heap gauges,
 * whatever prefix the service gives them.
 */
export function memoryFromMetrics(text: string): Omit<MemorySample, 'service' | 'atS'> | undefined {
  const gauge = (suffix: string): number | undefined => {
    const match = new RegExp(`^\\w*${suffix}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const rssBytes = gauge('process_resident_memory_bytes');
  if (rssBytes === undefined) return undefined;
  const reading: Omit<MemorySample, 'service' | 'atS'> = { rssBytes };
  const optional = { heapUsedBytes: 'nodejs_heap_size_used_bytes', heapTotalBytes: 'nodejs_heap_size_total_bytes', externalBytes: 'nodejs_external_memory_bytes' } as const;
  for (const [key, suffix] of Object.entries(optional)) {
    const value = gauge(suffix);
    if (value !== undefined) reading[key as keyof typeof optional] = value;
  }
  return reading;
}

/** Resident set size from /proc/<pid>/status, for a process whose /metrics does not answer. */
export function rssFromProcStatus(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

export function summariseMemory(samples: readonly MemorySample[], warmupS: number): MemorySummary | undefined {
  if (samples.length === 0) return undefined;
  const ordered = [...samples].sort((a, b) => a.atS - b.atS);
  const settled = ordered.filter((s) => s.atS >= warmupS);
  const perHour = (pick: (s: MemorySample) => number | undefined): number | undefined => {
    const points = settled.flatMap((s) => {
      const y = pick(s);
      return y === undefined ? [] : [{ x: s.atS / 3600, y: y / MB }];
    });
    const slope = leastSquaresSlope(points);
    return slope === undefined ? undefined : round(slope);
  };
  const range = (pick: (s: MemorySample) => number | undefined) => {
    const values = ordered.flatMap((s) => {
      const value = pick(s);
      return value === undefined ? [] : [value / MB];
    });
    return values.length === 0 ? undefined : { first: round(values[0]!), last: round(values.at(-1)!), max: round(Math.max(...values)) };
  };
  const summary: MemorySummary = { samples: ordered.length, rssMb: range((s) => s.rssBytes)! };
  const optional = {
    heapUsedMb: [(s: MemorySample) => s.heapUsedBytes, 'heapSlopeMbPerHour'],
    heapTotalMb: [(s: MemorySample) => s.heapTotalBytes, 'heapTotalSlopeMbPerHour'],
    externalMb: [(s: MemorySample) => s.externalBytes, 'externalSlopeMbPerHour'],
  } as const;
  const rssSlope = perHour((s) => s.rssBytes);
  if (rssSlope !== undefined) summary.rssSlopeMbPerHour = rssSlope;
  const floors = heapFloors(settled);
  if (floors.length > 0) {
    summary.heapFloorMb = { first: round(floors[0]!.y), last: round(floors.at(-1)!.y), max: round(Math.max(...floors.map((f) => f.y))) };
    const floorSlope = leastSquaresSlope(floors);
    if (floorSlope !== undefined) summary.heapFloorSlopeMbPerHour = round(floorSlope);
  }
  for (const [rangeKey, [pick, slopeKey]] of Object.entries(optional)) {
    const values = range(pick);
    if (values) summary[rangeKey as keyof typeof optional] = values;
    const slope = perHour(pick);
    if (slope !== undefined) summary[slopeKey] = slope;
  }
  return summary;
}

// Only whole windows: one cut short by the warm-up or the end may miss its collection, and its floor would read high.
function heapFloors(settled: readonly MemorySample[]): Point[] {
  const readings = settled.flatMap((s) => (s.heapUsedBytes === undefined ? [] : [{ atS: s.atS, heapMb: s.heapUsedBytes / MB }]));
  const gaps = readings.slice(1).map((r, i) => r.atS - readings[i]!.atS).filter((gap) => gap > 0);
  if (gaps.length === 0) return [];
  const firstS = readings[0]!.atS;
  const coveredUntilS = readings.at(-1)!.atS + Math.min(...gaps);
  const lowest = new Map<number, { atS: number; heapMb: number }>();
  for (const reading of readings) {
    const window = Math.floor(reading.atS / FLOOR_WINDOW_S);
    if (window * FLOOR_WINDOW_S < firstS || (window + 1) * FLOOR_WINDOW_S > coveredUntilS) continue;
    const low = lowest.get(window);
    if (!low || reading.heapMb < low.heapMb) lowest.set(window, reading);
  }
  return [...lowest.values()].sort((a, b) => a.atS - b.atS).map((r) => ({ x: r.atS / 3600, y: r.heapMb }));
}
