import { readFile } from 'node:fs/promises';
import { memoryFromMetrics, rssFromProcStatus, type MemorySample } from './memorySamples.js';

export interface SampledService {
  name: string;
  pid: number;
  metricsUrl: string;
}

/** One reading per service: its own /metrics, or /proc when /metrics does not answer (a busy or restarting service). */
export async function sampleMemory(services: readonly SampledService[], atS: number): Promise<MemorySample[]> {
  const samples = await Promise.all(
    services.map(async (service): Promise<MemorySample | undefined> => {
      try {
        const response = await fetch(service.metricsUrl, { signal: AbortSignal.timeout(5000) });
        const memory = response.ok ? memoryFromMetrics(await response.text()) : undefined;
        if (memory) return { service: service.name, atS, ...memory };
      } catch {
        // fall through to /proc
      }
      const rssBytes = rssFromProcStatus(await readFile(`/proc/${service.pid}/status`, 'utf8').catch(() => ''));
      return rssBytes === undefined ? undefined : { service: service.name, atS, rssBytes };
    }),
  );
  return samples.filter((s): s is MemorySample => s !== undefined);
}
