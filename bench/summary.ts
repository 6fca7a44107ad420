// Writes bench/results/summary.{md,json} from the per-benchmark JSON files. bench/run.mjs runs it
// at the end of `npm run bench` with what happened in the run; run alone it summarises the files
// as they stand (every figure then reads "not run this time", with the date it was measured).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSummary, summaryMarkdown, type BenchOutcome, type BenchResultFile } from './summaryReport.js';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const OWN_FILES = new Set(['summary.json', 'soak.json']);

async function readResult(file: string): Promise<BenchResultFile | undefined> {
  const path = join(resultsDir, file);
  const modifiedAt = await stat(path).then((s) => s.mtime, () => undefined);
  if (!modifiedAt) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    json = undefined;
  }
  return { json, modifiedAt };
}

interface RunArgument {
  startedAt: string;
  outcomes: BenchOutcome[];
}

const run: RunArgument = process.argv[2] ? (JSON.parse(process.argv[2]) as RunArgument) : { startedAt: new Date().toISOString(), outcomes: [] };
const files = (await readdir(resultsDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json') && !OWN_FILES.has(f));
const results: Record<string, BenchResultFile | undefined> = {};
for (const file of files) results[file.replace(/\.json$/, '')] = await readResult(file);
const soak = await readResult('soak.json');
const summary = buildSummary({
  startedAt: new Date(run.startedAt),
  finishedAt: new Date(),
  machine: { cpus: cpus().length, node: process.version },
  outcomes: run.outcomes,
  results,
  ...(soak ? { soak } : {}),
});
await writeFile(join(resultsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
const markdown = summaryMarkdown(summary);
await writeFile(join(resultsDir, 'summary.md'), markdown);
process.stdout.write(`\n${markdown}`);
