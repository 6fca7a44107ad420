import assert from 'node:assert/strict';
import { memoryFromMetrics, rssFromProcStatus, summariseMemory, type MemorySample } from '../../src/soak/memorySamples.js';

const MB = 1024 * 1024;

describe('memory samples', () => {
  it('reads RSS and heap used from prom-client gauges under a service prefix', () => {
    const text = [
      '# HELP gridsight_broker_process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE gridsight_broker_process_resident_memory_bytes gauge',
      'gridsight_broker_process_resident_memory_bytes 125829120',
      'gridsight_broker_nodejs_heap_size_total_bytes 60000000',
      'gridsight_broker_nodejs_external_memory_bytes 3145728',
      'gridsight_broker_nodejs_heap_size_used_bytes 41943040',
      'gridsight_broker_nodejs_heap_space_size_used_bytes{space="old"} 1000',
    ].join('\n');
    assert.deepEqual(memoryFromMetrics(text), { rssBytes: 125829120, heapUsedBytes: 41943040, heapTotalBytes: 60000000, externalBytes: 3145728 });
  });

  it('has no reading when the gauge is missing', () => {
    assert.equal(memoryFromMetrics('some_other_metric 1\n'), undefined);
    assert.deepEqual(memoryFromMetrics('x_process_resident_memory_bytes 2e+06\n'), { rssBytes: 2_000_000 });
  });

  it('reads VmRSS from /proc/<pid>/status', () => {
    assert.equal(rssFromProcStatus('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t  122880 kB\nThreads:\t11\n'), 122880 * 1024);
    assert.equal(rssFromProcStatus(''), undefined);
  });

  it('summarises first, last and max and leaves the warm-up out of the slope', () => {
    // 60 MB jump during the first minute, then 10 MB over the next hour.
    const samples: MemorySample[] = [
      { service: 'broker', atS: 0, rssBytes: 100 * MB, heapUsedBytes: 20 * MB, externalBytes: 2 * MB },
      { service: 'broker', atS: 30, rssBytes: 160 * MB, heapUsedBytes: 40 * MB },
      { service: 'broker', atS: 60, rssBytes: 160 * MB, heapUsedBytes: 30 * MB },
      { service: 'broker', atS: 1860, rssBytes: 165 * MB, heapUsedBytes: 30 * MB },
      { service: 'broker', atS: 3660, rssBytes: 170 * MB, heapUsedBytes: 30 * MB, externalBytes: 4 * MB },
    ];
    const summary = summariseMemory(samples, 60)!;
    assert.deepEqual(summary.rssMb, { first: 100, last: 170, max: 170 });
    assert.deepEqual(summary.heapUsedMb, { first: 20, last: 30, max: 40 });
    assert.equal(summary.rssSlopeMbPerHour, 10);
    assert.equal(summary.heapSlopeMbPerHour, 0);
    // Only readings that carry it count: two for the range, and past the warm-up one, too few for a slope.
    assert.deepEqual(summary.externalMb, { first: 2, last: 4, max: 4 });
    assert.equal(summary.externalSlopeMbPerHour, undefined);
    assert.equal(summary.heapTotalMb, undefined);
    assert.equal(summary.samples, 5);
  });

  it('follows the floor of a sawtooth heap, which stays flat while its peaks climb, and rises with a leak', () => {
    // Every 2-minute window: a collection at its start (20 MB live), garbage piling up to a peak that grows with the hour.
    const sawtooth = (leakMbPerHour: number): MemorySample[] =>
      Array.from({ length: 60 }, (_, i) => {
        const atS = 300 + i * 30;
        const live = 20 + (leakMbPerHour * atS) / 3600;
        const garbage = (i % 4) * (5 + atS / 120);
        return { service: 'stream-processor', atS, rssBytes: 150 * MB, heapUsedBytes: (live + garbage) * MB };
      });
    const plateau = summariseMemory(sawtooth(0), 300)!;
    assert.ok(plateau.heapSlopeMbPerHour! > 20, `the peaks climb: ${plateau.heapSlopeMbPerHour}`);
    assert.equal(plateau.heapFloorSlopeMbPerHour, 0);
    assert.deepEqual([plateau.heapFloorMb!.first, plateau.heapFloorMb!.last], [20, 20]);
    const leak = summariseMemory(sawtooth(12), 300)!;
    assert.ok(Math.abs(leak.heapFloorSlopeMbPerHour! - 12) < 1, `floor slope ${leak.heapFloorSlopeMbPerHour}`);
  });

  it('gives no slope when too few samples follow the warm-up', () => {
    const summary = summariseMemory([{ service: 'x', atS: 0, rssBytes: MB }, { service: 'x', atS: 10, rssBytes: 2 * MB }], 5)!;
    assert.equal(summary.rssSlopeMbPerHour, undefined);
    assert.equal(summary.heapUsedMb, undefined);
  });
});
