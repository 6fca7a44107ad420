import { FLOOR_WINDOW_S, summariseMemory, type MemorySample, type MemorySummary } from './memorySamples.js';
import type { SoakOptions } from './soakOptions.js';

/** What became of the load: counted at the gateways (acknowledged) and in the database. */
export interface DeliveryCounts {
  /** Events the simulated gateways handed to MQTT. */
  published: number;
  /** Of those, the ones the broker acknowledged (PUBACK: in Kafka). */
  acknowledged: number;
  /** Publishes that failed at the gateway, or were still unacknowledged when the run ended; never acknowledged, so not owed. */
  publishFailures: number;
  /** Rows in detections of the soak's events, and how many distinct event ids they hold. */
  storedRows: number;
  storedDistinct: number;
  /** Acknowledged but not stored. */
  lost: number;
  problems: number;
  incidents: number;
  tickets: number;
  /** The most tickets any one incident has; above 1 is a doubled ticket. */
  ticketsPerIncidentMax: number;
}

export interface SoakReport {
  benchmark: 'soak';
  at: string;
  machine: { cpus: number; node: string };
  options: Omit<SoakOptions, 'dataDir' | 'outDir'>;
  loadSeconds: number;
  achievedRate: number;
  services: Record<string, MemorySummary & { withinBound: boolean }>;
  delivery: DeliveryCounts & { duplicated: number };
  /** Services that exited by themselves during the run. */
  unexpectedExits: string[];
  ok: boolean;
  failures: string[];
}

export interface SoakResult {
  options: SoakOptions;
  at: Date;
  machine: { cpus: number; node: string };
  loadSeconds: number;
  samples: readonly MemorySample[];
  delivery: DeliveryCounts;
  unexpectedExits: string[];
}

/** Pass or fail, with every reason: a slope over the bound, anything lost or doubled, a wrong count of incidents or tickets. */
export function buildSoakReport(result: SoakResult): SoakReport {
  const { options, delivery } = result;
  const failures: string[] = [];
  const services: SoakReport['services'] = {};
  const names = [...new Set(result.samples.map((s) => s.service))].sort();
  for (const service of names) {
    const summary = summariseMemory(
      result.samples.filter((s) => s.service === service),
      options.warmupS,
    )!;
    const slope = summary.rssSlopeMbPerHour;
    const withinBound = slope !== undefined && slope <= options.maxSlopeMbPerHour;
    if (slope === undefined) failures.push(`${service}: too few memory samples after the warm-up for a slope`);
    else if (!withinBound) failures.push(`${service}: RSS grows ${slope} MB/h after the warm-up, over the bound of ${options.maxSlopeMbPerHour} MB/h`);
    services[service] = { ...summary, withinBound };
  }
  if (names.length === 0) failures.push('no memory samples at all');
  const duplicated = delivery.storedRows - delivery.storedDistinct;
  if (delivery.acknowledged === 0) failures.push('no event was acknowledged: the load never reached the pipeline');
  if (delivery.lost > 0) failures.push(`${delivery.lost} acknowledged events are not stored`);
  if (duplicated > 0) failures.push(`${duplicated} events are stored more than once`);
  if (delivery.incidents !== delivery.problems) failures.push(`${delivery.incidents} incidents for ${delivery.problems} real-world problems`);
  if (delivery.tickets !== delivery.incidents) failures.push(`${delivery.tickets} tickets for ${delivery.incidents} incidents`);
  if (delivery.ticketsPerIncidentMax > 1) failures.push(`an incident has ${delivery.ticketsPerIncidentMax} tickets`);
  for (const exit of result.unexpectedExits) failures.push(`exited during the run: ${exit}`);
  const { dataDir: _dataDir, outDir: _outDir, ...shown } = options;
  return {
    benchmark: 'soak',
    at: result.at.toISOString(),
    machine: result.machine,
    options: shown,
    loadSeconds: Math.round(result.loadSeconds),
    achievedRate: result.loadSeconds > 0 ? Number((delivery.acknowledged / result.loadSeconds).toFixed(1)) : 0,
    services,
    delivery: { ...delivery, duplicated },
    unexpectedExits: [...result.unexpectedExits],
    ok: failures.length === 0,
    failures,
  };
}

const mb = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(1));
const signed = (value: number | undefined): string => (value === undefined ? '–' : `${value > 0 ? '+' : ''}${value.toFixed(1)}`);
const minutes = (seconds: number): string => (seconds >= 120 ? `${(seconds / 60).toFixed(seconds % 60 === 0 ? 0 : 1)} min` : `${seconds} s`);

export function soakMarkdown(report: SoakReport): string {
  const { options, delivery } = report;
  const lines = [
    `# Soak run: ${report.ok ? 'passed' : 'FAILED'}`,
    '',
    `${report.at}, ${report.machine.cpus} CPUs, Node ${report.machine.node}. The whole pipeline (broker, stream-processor, dispatch-service) on a private stack ` +
      `under a steady load of ${options.rate} events/s from ${options.gateways} simulated gateways for ${minutes(report.loadSeconds)} ` +
      `(achieved ${report.achievedRate}/s acknowledged), a new problem every ${options.newProblemEveryS} s. ` +
      `Memory sampled every ${options.sampleEveryS} s from each service's /metrics; slopes are least squares after a ${minutes(options.warmupS)} warm-up, ` +
      `bound ${options.maxSlopeMbPerHour} MB/h.`,
    '',
    '| service | samples | RSS first / last / max (MB) | RSS slope (MB/h) | heap used first / last / max (MB) | heap slope (MB/h) | within bound |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(report.services).map(
      ([name, s]) =>
        `| ${name} | ${s.samples} | ${mb(s.rssMb.first)} / ${mb(s.rssMb.last)} / ${mb(s.rssMb.max)} | ${signed(s.rssSlopeMbPerHour)} | ` +
        `${mb(s.heapUsedMb?.first)} / ${mb(s.heapUsedMb?.last)} / ${mb(s.heapUsedMb?.max)} | ${signed(s.heapSlopeMbPerHour)} | ${s.withinBound ? 'yes' : '**no**'} |`,
    ),
    '',
    'Where RSS goes when heap used stays flat: what V8 has reserved for its heap, and memory outside it (Buffers, sockets, native modules). ' +
      `Heap used is a sawtooth between full collections; its floor (the lowest reading in each ${FLOOR_WINDOW_S / 60}-minute window after the warm-up) is close to the live heap, which a leak raises.`,
    '',
    '| service | live heap floor first / last / max (MB) | floor slope (MB/h) | heap total first / last / max (MB) | heap total slope (MB/h) | external first / last / max (MB) | external slope (MB/h) |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(report.services).map(
      ([name, s]) =>
        `| ${name} | ${mb(s.heapFloorMb?.first)} / ${mb(s.heapFloorMb?.last)} / ${mb(s.heapFloorMb?.max)} | ${signed(s.heapFloorSlopeMbPerHour)} | ` +
        `${mb(s.heapTotalMb?.first)} / ${mb(s.heapTotalMb?.last)} / ${mb(s.heapTotalMb?.max)} | ${signed(s.heapTotalSlopeMbPerHour)} | ` +
        `${mb(s.externalMb?.first)} / ${mb(s.externalMb?.last)} / ${mb(s.externalMb?.max)} | ${signed(s.externalSlopeMbPerHour)} |`,
    ),
    '',
    '| delivery | count |',
    '|---|---|',
    `| published by the gateways | ${delivery.published} |`,
    `| acknowledged by the broker (in Kafka) | ${delivery.acknowledged} |`,
    `| publishes that failed or were never acknowledged | ${delivery.publishFailures} |`,
    `| stored (rows / distinct events) | ${delivery.storedRows} / ${delivery.storedDistinct} |`,
    `| lost (acknowledged, not stored) | ${delivery.lost} |`,
    `| duplicated | ${delivery.duplicated} |`,
    `| real-world problems / incidents / tickets | ${delivery.problems} / ${delivery.incidents} / ${delivery.tickets} |`,
    `| most tickets for one incident | ${delivery.ticketsPerIncidentMax} |`,
  ];
  if (report.failures.length > 0) lines.push('', '## Failures', '', ...report.failures.map((f) => `- ${f}`));
  return `${lines.join('\n')}\n`;
}
