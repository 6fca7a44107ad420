#!/usr/bin/env node
// Evaluates a detector on a YOLO-layout dataset through the edge agent's own inference code:
//   node models/dist/cli/evaluate.js [datasetDir] [modelPath] [--split test] [--threshold 0.25 | name=0.2,...]
//        [--threads 1] [--out report.json]
// Defaults: the generated test split (models/data/synth) if present, else the committed held-out
// scenes; the shipped model. Prints a table and writes the full report as JSON.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDetector, DetectorError } from '@gridsight/edge-agent/detector';
import { DatasetError, readYoloDataset } from '../adapters/yoloDataset.js';
import { evaluateDetections, type ImageEvaluation } from '../core/evaluation.js';
import { formatReport } from '../core/formatReport.js';
import { summarizeLatency } from '../core/latency.js';
import { SHIPPED_MODEL } from '../shippedModel.js';

const MIN_SCORE_FOR_CURVES = 0.001;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      split: { type: 'string', default: 'test' },
      threshold: { type: 'string' },
      threads: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const datasetDir = resolve(positionals[0] ?? (existsSync(SHIPPED_MODEL.generatedDir) ? SHIPPED_MODEL.generatedDir : SHIPPED_MODEL.heldOutDir));
  const modelPath = resolve(positionals[1] ?? SHIPPED_MODEL.path);
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new DatasetError(`--threads must be a positive integer, got ${values.threads}`);

  const images = await readYoloDataset(datasetDir, values.split);
  const detector = await createDetector({ modelPath, threads, scoreThreshold: MIN_SCORE_FOR_CURVES, maxDetections: 100 });
  const evaluations: ImageEvaluation[] = [];
  const timings = [];
  try {
    for (const image of images) {
      const result = await detector.detect(await readFile(image.imagePath));
      timings.push(result.timings);
      evaluations.push({
        truths: image.truths,
        predictions: result.detections.map((d) => ({ classId: d.classId, score: d.score, x0: d.box[0], y0: d.box[1], x1: d.box[0] + d.box[2], y1: d.box[1] + d.box[3] })),
        ...(image.distractors ? { distractors: image.distractors } : {}),
      });
    }
  } finally {
    await detector.close();
  }
  const thresholds = values.threshold === undefined ? SHIPPED_MODEL.operatingThresholds : parseThresholds(values.threshold, detector.model.names);
  const report = evaluateDetections(evaluations, detector.model.names, thresholds);
  const latency = summarizeLatency(timings);
  const full = {
    dataset: datasetDir,
    split: values.split,
    model: { path: modelPath, name: detector.model.name, version: detector.model.version, sha256: detector.model.sha256, input: [detector.model.inputHeight, detector.model.inputWidth] },
    threads,
    ...report,
    latencyMs: latency,
  };
  console.log(formatReport(full));
  const out = resolve(values.out ?? `eval-${detector.model.name}-${values.split}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(full, (_, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 1)}\n`);
  console.log(`\nreport written to ${out}`);
}

/** "0.3" for every class, or "garbage_pile=0.3,manhole_open=0.1,...". */
function parseThresholds(text: string, names: readonly string[]): number[] {
  const valid = (v: number) => v > 0 && v < 1;
  if (!text.includes('=')) {
    const v = Number(text);
    if (!valid(v)) throw new DatasetError(`--threshold must be between 0 and 1, got ${text}`);
    return names.map(() => v);
  }
  const pairs = new Map(text.split(',').map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
  return names.map((n) => {
    const v = Number(pairs.get(n));
    if (!valid(v)) throw new DatasetError(`--threshold needs ${n}=<0..1>, got ${text}`);
    return v;
  });
}

main().catch((error: unknown) => {
  const known = error instanceof DetectorError || error instanceof DatasetError;
  console.error(known ? `evaluate: ${(error as Error).message}` : error);
  process.exit(1);
});
