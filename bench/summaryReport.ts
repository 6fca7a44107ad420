// The combined benchmark report: every component's figure beside its baseline, the ratio, the
// target and whether it is met, read from the per-benchmark JSON files whatever state they are in.
// Pure: the files' contents and what happened in this run come in; the summary comes out.

/** One benchmark's JSON as found on disk, or nothing if it has never written one. */
export interface BenchResultFile {
  /** Parsed JSON; undefined if the file could not be parsed. */
  json: unknown;
  modifiedAt: Date;
}

/** How one benchmark fared in this run of `npm run bench`. */
export interface BenchOutcome {
  file: string;
  exitCode: number;
  seconds: number;
}

export interface SummaryInput {
  startedAt: Date;
  finishedAt: Date;
  machine: { cpus: number; node: string };
  outcomes: BenchOutcome[];
  /** By result name (the bench file's name without `.bench.ts`), e.g. `broker` for broker.json. */
  results: Record<string, BenchResultFile | undefined>;
  /** The latest `npm run soak` report, which is not part of a bench run but belongs beside it. */
  soak?: BenchResultFile;
}

/**
 * - measured: the benchmark ran in this run and wrote its result;
 * - failed: it ran and failed; figures (if any) are from an earlier run;
 * - not run: not part of this run; figures (if any) are from an earlier run;
 * - unreadable: its file has no figure where the summary looks for one.
 */
export type RowStatus = 'measured' | 'failed' | 'not run' | 'missing' | 'unreadable';

export interface SummaryRow {
  component: string;
  measure: string;
  figure?: string;
  baseline?: string;
  /** figure / baseline as the benchmark defines it. */
  ratio?: number;
  target?: string;
  /** undefined when there is no target, or no figure to judge. */
  met?: boolean;
  source: string;
  status: RowStatus;
  /** When the figures were measured, if not in this run. */
  measuredAt?: string;
}

export interface Summary {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; node: string };
  benchmarks: Array<BenchOutcome & { result: string; status: 'passed' | 'failed' }>;
  rows: SummaryRow[];
  targets: { met: number; notMet: number; unknown: number };
  soak?: { at: string; ok: boolean; minutes: number; rate: number; maxRssSlopeMbPerHour: number; boundMbPerHour: number; acknowledged: number; lost: number; duplicated: number };
}

type Json = Record<string, unknown>;

/** A finite number at a dotted path, or undefined: benchmarks change their shapes and a failed one may leave half a file. */
export function numberAt(json: unknown, path: string): number | undefined {
  let value: unknown = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Json)[key];
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringAt(json: unknown, path: string): string | undefined {
  let value: unknown = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Json)[key];
  }
  return typeof value === 'string' ? value : undefined;
}

const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).replace(/,/g, ' ');
const ms = (value: number | undefined): string | undefined => (value === undefined ? undefined : value >= 10_000 ? `${fmt(value / 1000, 1)} s` : `${fmt(value, 1)} ms`);
const ratioOf = (figure: number | undefined, baseline: number | undefined): number | undefined =>
  figure === undefined || baseline === undefined || baseline === 0 ? undefined : figure / baseline;
const atLeast = (value: number | undefined, bound: number | undefined): boolean | undefined => (value === undefined || bound === undefined ? undefined : value >= bound);
const atMost = (value: number | undefined, bound: number | undefined): boolean | undefined => (value === undefined || bound === undefined ? undefined : value <= bound);

type RowDraft = Omit<SummaryRow, 'source' | 'status' | 'measuredAt' | 'component'> & { needs: Array<number | undefined> };

/** The rows each benchmark's result holds; a rule per result file. */
const RULES: Record<string, { component: string; rows: (json: unknown) => RowDraft[] }> = {
  'edge-inference': {
    component: 'edge',
    rows: (json) => {
      const nodeFps = numberAt(json, 'node.fps');
      const pythonFps = numberAt(json, 'python.fps');
      const fpsRatio = numberAt(json, 'fpsRatioNodeToPython') ?? ratioOf(nodeFps, pythonFps);
      const fpsMin = numberAt(json, 'targets.fpsRatioMin') ?? 1;
      const share = numberAt(json, 'node.prePostShareOfModel');
      const pythonShare = numberAt(json, 'python.prePostShareOfModel');
      const shareMax = numberAt(json, 'targets.prePostShareMax') ?? 0.15;
      const modelMs = numberAt(json, 'node.meanMs.inferenceMs');
      const pythonModelMs = numberAt(json, 'python.meanMs.inferenceMs');
      const modelMax = numberAt(json, 'targets.modelMsMax') ?? 40;
      const rss = numberAt(json, 'node.rssMb.peak');
      const pythonRss = numberAt(json, 'python.peakRssMb');
      const rssMax = numberAt(json, 'targets.rssMbMax') ?? 250;
      return [
        {
          measure: 'frames/s, whole frame (decode, pre, model, post), one core',
          figure: nodeFps === undefined ? undefined : `${fmt(nodeFps, 1)} fps`,
          baseline: pythonFps === undefined ? undefined : `Python onnxruntime + OpenCV: ${fmt(pythonFps, 1)} fps`,
          ratio: fpsRatio,
          target: `≥ ${fpsMin}×`,
          met: atLeast(fpsRatio, fpsMin),
          needs: [nodeFps],
        },
        {
          measure: 'pre + post-processing, share of model time',
          figure: share === undefined ? undefined : `${fmt(share * 100, 1)} %`,
          baseline: pythonShare === undefined ? undefined : `Python: ${fmt(pythonShare * 100, 1)} %`,
          ratio: ratioOf(share, pythonShare),
          target: `≤ ${fmt(shareMax * 100)} %`,
          met: atMost(share, shareMax),
          needs: [share],
        },
        {
          measure: 'model time per frame',
          figure: ms(modelMs),
          baseline: pythonModelMs === undefined ? undefined : `Python: ${ms(pythonModelMs)}`,
          ratio: ratioOf(modelMs, pythonModelMs),
          target: `≤ ${modelMax} ms`,
          met: atMost(modelMs, modelMax),
          needs: [modelMs],
        },
        {
          measure: 'agent RSS, peak',
          figure: rss === undefined ? undefined : `${fmt(rss)} MB`,
          baseline: pythonRss === undefined ? undefined : `Python: ${fmt(pythonRss)} MB`,
          ratio: ratioOf(rss, pythonRss),
          target: `≤ ${rssMax} MB`,
          met: atMost(rss, rssMax),
          needs: [rss],
        },
      ];
    },
  },
  broker: {
    component: 'broker',
    rows: (json) => {
      const rate = numberAt(json, 'broker.perSecond');
      const p99 = numberAt(json, 'broker.p99Ms');
      const baseline = numberAt(json, 'mosquitto.perSecond');
      const ratio = numberAt(json, 'ratio') ?? ratioOf(rate, baseline);
      const target = numberAt(json, 'target');
      return [
        {
          measure: 'QoS 1 messages/s through to Kafka (acks=all)',
          figure: rate === undefined ? undefined : `${fmt(rate)} msg/s${p99 === undefined ? '' : `, p99 ${ms(p99)}`}`,
          baseline: baseline === undefined ? undefined : `mosquitto QoS 1: ${fmt(baseline)} msg/s`,
          ratio,
          target: target === undefined ? undefined : `≥ ${target}×`,
          met: atLeast(ratio, target),
          needs: [rate],
        },
      ];
    },
  },
  'stream-processor': {
    component: 'stream-processor',
    rows: (json) => {
      const rate = numberAt(json, 'processor.eventsPerSecond');
      const baseline = numberAt(json, 'baselineCopy.rowsPerSecond');
      const ratio = numberAt(json, 'ratioToCopy') ?? ratioOf(rate, baseline);
      const target = numberAt(json, 'target');
      return [
        {
          measure: 'events/s from Kafka to committed rows (dedupe, incidents, outbox)',
          figure: rate === undefined ? undefined : `${fmt(rate)} events/s`,
          baseline: baseline === undefined ? undefined : `plain COPY: ${fmt(baseline)} rows/s`,
          ratio,
          target: target === undefined ? undefined : `≥ ${target}×`,
          met: atLeast(ratio, target),
          needs: [rate],
        },
      ];
    },
  },
  dispatch: {
    component: 'dispatch',
    rows: (json) => {
      const apiP99 = numberAt(json, 'api.p99Ms');
      const apiRps = numberAt(json, 'api.achievedRps');
      const apiBaseline = numberAt(json, 'api.baseline.p99Ms');
      const apiRatio = numberAt(json, 'api.ratioP99') ?? ratioOf(apiP99, apiBaseline);
      const apiTarget = numberAt(json, 'api.targetP99Ms');
      const p50 = numberAt(json, 'incidentToAssigned.p50Ms');
      const p99 = numberAt(json, 'incidentToAssigned.p99Ms');
      const baselineP99 = numberAt(json, 'incidentToAssigned.baseline.p99Ms');
      return [
        {
          measure: `API p99 latency${apiRps === undefined ? '' : ` at ${fmt(apiRps)} req/s achieved`}`,
          figure: ms(apiP99),
          baseline: apiBaseline === undefined ? undefined : `trivial route: p99 ${ms(apiBaseline)}`,
          ratio: apiRatio,
          target: apiTarget === undefined ? undefined : `p99 ≤ ${apiTarget} ms`,
          met: atMost(apiP99, apiTarget),
          needs: [apiP99],
        },
        {
          measure: 'incident event → ticket assigned',
          figure: p50 === undefined || p99 === undefined ? undefined : `p50 ${ms(p50)}, p99 ${ms(p99)}`,
          baseline: baselineP99 === undefined ? undefined : `bare Kafka consumer: p99 ${ms(baselineP99)}`,
          ratio: numberAt(json, 'incidentToAssigned.ratioP99') ?? ratioOf(p99, baselineP99),
          needs: [p99],
        },
      ];
    },
  },
  e2e: {
    component: 'end to end',
    rows: (json) => {
      const p50 = numberAt(json, 'publishToTicketAssigned.p50Ms');
      const p99 = numberAt(json, 'publishToTicketAssigned.p99Ms');
      const count = numberAt(json, 'publishToTicketAssigned.count');
      const of = numberAt(json, 'publishToTicketAssigned.of');
      const rate = numberAt(json, 'load.eventsPerSecondAchieved') ?? numberAt(json, 'load.eventsPerSecondTarget');
      const baselineP99 = numberAt(json, 'baselinePublishToPuback.p99Ms');
      const target = numberAt(json, 'targetP99Ms');
      // Tickets that never came are a failure however fast the others were.
      const complete = count === undefined || of === undefined ? undefined : count >= of;
      const fastEnough = atMost(p99, target);
      return [
        {
          measure: `publish → ticket assigned${rate === undefined ? '' : ` at ${fmt(rate)} events/s`}`,
          figure:
            p50 === undefined || p99 === undefined
              ? undefined
              : `p50 ${ms(p50)}, p99 ${ms(p99)}${count === undefined || of === undefined ? '' : `; ${count} of ${of} tickets`}`,
          baseline: baselineP99 === undefined ? undefined : `publish → PUBACK: p99 ${ms(baselineP99)}`,
          ratio: numberAt(json, 'p99RatioToBaseline') ?? ratioOf(p99, baselineP99),
          target: target === undefined ? undefined : `p99 ≤ ${target} ms`,
          met: fastEnough === undefined ? undefined : fastEnough && complete !== false,
          needs: [p99],
        },
      ];
    },
  },
};

export const SUMMARISED_RESULTS = Object.keys(RULES);

function statusOf(name: string, input: SummaryInput): { status: RowStatus; outcome?: BenchOutcome } {
  const outcome = input.outcomes.find((o) => o.file.replace(/\.bench\.(ts|mjs)$/, '') === name);
  const file = input.results[name];
  if (outcome && outcome.exitCode !== 0) return { status: 'failed', outcome };
  if (!file) return { status: 'missing', outcome };
  // A benchmark that exited 0 but left last run's file did not write its result.
  if (outcome && file.modifiedAt >= input.startedAt) return { status: 'measured', outcome };
  return { status: outcome ? 'failed' : 'not run', outcome };
}

export function buildSummary(input: SummaryInput): Summary {
  const rows: SummaryRow[] = [];
  const names = [...new Set([...SUMMARISED_RESULTS, ...input.outcomes.map((o) => o.file.replace(/\.bench\.(ts|mjs)$/, '')), ...Object.keys(input.results)])];
  for (const name of names) {
    const rule = RULES[name];
    const source = `${name}.json`;
    const { status } = statusOf(name, input);
    const file = input.results[name];
    const measuredAt = file && status !== 'measured' ? (stringAt(file.json, 'at') ?? file.modifiedAt.toISOString()) : undefined;
    if (!rule) {
      const measure = file ? 'no summary rule for this benchmark: see its own report' : 'no result';
      rows.push({ component: name, measure, source, status, ...(measuredAt ? { measuredAt } : {}) });
      continue;
    }
    if (!file) {
      rows.push({ component: rule.component, measure: `${name} benchmark`, source, status });
      continue;
    }
    for (const { needs, ...draft } of rule.rows(file.json)) {
      const readable = needs.every((n) => n !== undefined);
      const row: SummaryRow = { component: rule.component, ...draft, source, status: readable ? status : status === 'measured' ? 'unreadable' : status };
      if (!readable) delete row.met;
      if (measuredAt) row.measuredAt = measuredAt;
      for (const key of Object.keys(row) as (keyof SummaryRow)[]) if (row[key] === undefined) delete row[key];
      rows.push(row);
    }
  }
  const judged = rows.filter((r) => r.target !== undefined);
  const soak = soakLine(input.soak?.json);
  return {
    ...(soak ? { soak } : {}),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    machine: input.machine,
    benchmarks: input.outcomes.map((o) => ({ ...o, result: `${o.file.replace(/\.bench\.(ts|mjs)$/, '')}.json`, status: o.exitCode === 0 ? 'passed' : 'failed' })),
    rows,
    targets: {
      met: judged.filter((r) => r.met === true).length,
      notMet: judged.filter((r) => r.met === false).length,
      unknown: judged.filter((r) => r.met === undefined).length,
    },
  };
}

function soakLine(json: unknown): Summary['soak'] | undefined {
  const slopes = json && typeof json === 'object' ? Object.values((json as Json).services ?? {}).map((s) => numberAt(s, 'rssSlopeMbPerHour')) : [];
  const fields = {
    minutes: numberAt(json, 'loadSeconds'),
    rate: numberAt(json, 'options.rate'),
    boundMbPerHour: numberAt(json, 'options.maxSlopeMbPerHour'),
    acknowledged: numberAt(json, 'delivery.acknowledged'),
    lost: numberAt(json, 'delivery.lost'),
    duplicated: numberAt(json, 'delivery.duplicated'),
  };
  const at = stringAt(json, 'at');
  const ok = (json as Json | undefined)?.ok;
  if (at === undefined || typeof ok !== 'boolean' || slopes.length === 0 || slopes.some((s) => s === undefined) || Object.values(fields).some((v) => v === undefined)) return undefined;
  return {
    at,
    ok,
    minutes: Math.round(fields.minutes! / 6) / 10,
    rate: fields.rate!,
    maxRssSlopeMbPerHour: Math.max(...(slopes as number[])),
    boundMbPerHour: fields.boundMbPerHour!,
    acknowledged: fields.acknowledged!,
    lost: fields.lost!,
    duplicated: fields.duplicated!,
  };
}

const STATUS_NOTE: Record<RowStatus, string> = {
  measured: '',
  failed: 'benchmark failed in this run',
  'not run': 'not run this time',
  missing: 'no result',
  unreadable: 'result file lacks this figure',
};

function cell(text: string | undefined): string {
  return (text ?? '–').replace(/\|/g, '\\|');
}

export function summaryMarkdown(summary: Summary): string {
  const verdict = (row: SummaryRow): string => (row.target === undefined ? '–' : row.met === true ? 'met' : row.met === false ? '**not met**' : 'unknown');
  const when = (row: SummaryRow): string => {
    const note = STATUS_NOTE[row.status];
    const from = row.measuredAt ? `figures from ${row.measuredAt.slice(0, 16).replace('T', ' ')} UTC` : '';
    return [note, from].filter(Boolean).join('; ') || 'this run';
  };
  const seconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
  const lines = [
    '# Benchmark summary',
    '',
    (summary.benchmarks.length === 0
      ? `The result files as they stood at ${summary.startedAt.slice(0, 19).replace('T', ' ')} UTC (${summary.machine.cpus} CPUs, Node ${summary.machine.node}). `
      : `\`npm run bench\` of ${summary.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${fmt(seconds / 60, 1)} min, ${summary.machine.cpus} CPUs, Node ${summary.machine.node}. `) +
      'Each figure stands beside a baseline measured in the same benchmark run; ratio = figure / baseline. ' +
      `Targets: ${summary.targets.met} met, ${summary.targets.notMet} not met${summary.targets.unknown ? `, ${summary.targets.unknown} without a figure` : ''}.`,
    '',
    '| component | measure | figure | baseline | ratio | target | met | measured |',
    '|---|---|---|---|---|---|---|---|',
    ...summary.rows.map(
      (row) =>
        `| ${cell(row.component)} | ${cell(row.measure)} | ${cell(row.figure)} | ${cell(row.baseline)} | ${row.ratio === undefined ? '–' : `${fmt(row.ratio, 2)}×`} | ${cell(row.target)} | ${verdict(row)} | ${cell(when(row))} |`,
    ),
    '',
    ...(summary.benchmarks.length === 0
      ? ['No benchmark ran in this run: the table summarises the result files as they stand.']
      : [
          '| benchmark | outcome | time | details |',
          '|---|---|---|---|',
          ...summary.benchmarks.map((b) => `| ${b.file} | ${b.status === 'passed' ? 'ran' : `**failed** (exit ${b.exitCode})`} | ${fmt(b.seconds)} s | ${b.result.replace(/\.json$/, '.md')} |`),
        ]),
  ];
  const { soak } = summary;
  if (soak) {
    lines.push(
      '',
      `Latest soak run (\`npm run soak\`, not part of this run; ${soak.at.slice(0, 16).replace('T', ' ')} UTC): ${soak.ok ? 'passed' : '**failed**'}; ` +
        `${soak.minutes} min at ${soak.rate} events/s, steepest service RSS slope ${signedMb(soak.maxRssSlopeMbPerHour)} MB/h (bound ${soak.boundMbPerHour}), ` +
        `${soak.acknowledged} events acknowledged, ${soak.lost} lost, ${soak.duplicated} duplicated; see soak.md.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const signedMb = (value: number): string => `${value > 0 ? '+' : ''}${fmt(value, 1)}`;
