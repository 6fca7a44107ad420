#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.{ts,mjs} (or those named as arguments) one after
// another against the real services, starting the local stack unless one is already running.
// Each benchmark measures itself against a baseline in the same run and writes JSON and markdown
// under bench/results/; this runner only sequences them and reports which failed.
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

const config = loadStackConfig();
const running = await readRunningStack(config.dataRoot);
let stack;
if (running) say(`reusing the stack already running (pid ${running.pid})`);
else {
  say('starting the local stack for the benchmarks…');
  stack = await startStack({ ...config, onProgress: (line) => say(line) });
}
const services = running ?? stack;

const failed = [];
for (const file of files) {
  say(`running ${file}`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', file)], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        GRIDSIGHT_TEST_PG_URL: services.postgresUrl,
        GRIDSIGHT_TEST_KAFKA_BROKERS: services.kafkaBrokers.join(','),
        ...(services.redisUrl ? { GRIDSIGHT_TEST_REDIS_URL: services.redisUrl } : {}),
      },
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) failed.push(file);
}
if (stack) await stack.stop();
say(`${files.length - failed.length} of ${files.length} benchmarks ran${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length > 0 ? 1 : 0);
