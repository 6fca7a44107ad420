#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.{ts,mjs} (or those named as arguments) one after
// another against the real services, starting the local stack unless one is already running.
// Each benchmark measures itself against a baseline in the same run and writes JSON and markdown
// under bench/results/; this runner sequences them, shows progress, and ends by writing the
// combined report bench/results/summary.{md,json} (bench/summary.ts), whichever of them failed.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../deploy/dist/stack/stack.js';
import { loadStackConfig } from '../deploy/dist/stack/stackConfig.js';
import { readRunningStack } from '../deploy/dist/stack/stackState.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`bench: ${line}\n`);
const wanted = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((name) => /\.bench\.(ts|mjs)$/.test(name))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort();
const startedAt = new Date();
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;

const runTs = (script, args, env = process.env) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', script), ...args], { cwd: root, stdio: 'inherit', env });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });

const config = loadStackConfig();
const running = await readRunningStack(config.dataRoot);
let stack;
if (running) say(`reusing the stack already running (pid ${running.pid})`);
else {
  say('starting the local stack for the benchmarks…');
  stack = await startStack({ ...config, onProgress: (line) => say(line) });
}
const services = running ?? stack;

say(`${files.length} benchmark${files.length === 1 ? '' : 's'} to run: ${files.join(', ')}`);
const outcomes = [];
for (const [index, file] of files.entries()) {
  const began = Date.now();
  say(`[${index + 1}/${files.length}] ${file}: running (${minutes(began - startedAt.getTime())} into the run)…`);
  const exitCode = await runTs(file, [], {
    ...process.env,
    GRIDSIGHT_TEST_PG_URL: services.postgresUrl,
    GRIDSIGHT_TEST_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    ...(services.redisUrl ? { GRIDSIGHT_TEST_REDIS_URL: services.redisUrl } : {}),
  });
  const seconds = Math.round((Date.now() - began) / 1000);
  outcomes.push({ file, exitCode, seconds });
  say(`[${index + 1}/${files.length}] ${file}: ${exitCode === 0 ? 'done' : `FAILED (exit ${exitCode})`} in ${seconds} s`);
}
if (stack) await stack.stop();
const failed = outcomes.filter((o) => o.exitCode !== 0).map((o) => o.file);
say(`${files.length - failed.length} of ${files.length} benchmarks ran${failed.length ? `; failed: ${failed.join(', ')}` : ''}; writing bench/results/summary.md and summary.json…`);
const summaryCode = await runTs('summary.ts', [JSON.stringify({ startedAt: startedAt.toISOString(), outcomes })]);
if (summaryCode !== 0) say('could not write the summary');
process.exit(failed.length > 0 || summaryCode !== 0 ? 1 : 0);
