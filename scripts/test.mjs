#!/usr/bin/env node
// `npm test`: starts the real services the tests use (unless a local stack is already up), runs
// every workspace's mocha tests against them, stops what it started, and ends on the line
// `tests: N passed, N failed` that CI reads. Arguments narrow the run: `npm test -- contracts/test`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../deploy/dist/stack/stack.js';
import { loadStackConfig } from '../deploy/dist/stack/stackConfig.js';
import { readRunningStack } from '../deploy/dist/stack/stackState.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`test: ${line}\n`);
const specs = process.argv
  .slice(2)
  .map((arg) => (existsSync(arg) && statSync(arg).isDirectory() ? join(arg, '**', '*.test.ts') : arg));

const config = loadStackConfig();
const running = await readRunningStack(config.dataRoot);
let stack;
if (running) {
  say(`reusing the stack already running (pid ${running.pid})`);
} else {
  // A stack of the tests' own, in a folder of its own: the suites write to the contract's fixed
  // Kafka topics, and a later `npm start` must not find their events on its topics and replay them.
  const dataRoot = join(config.dataRoot, 'test');
  say(`starting Kafka and PostgreSQL for the tests (data in ${dataRoot})…`);
  try {
    stack = await startStack({ ...config, dataRoot, onProgress: (line) => say(line) });
  } catch (error) {
    say(`could not start the services: ${error.message}`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}
const services = running ?? stack;

const summaryDir = mkdtempSync(join(tmpdir(), 'gridsight-test-'));
const summaryFile = join(summaryDir, 'summary.json');
const mocha = spawn(join(root, 'node_modules', '.bin', 'mocha'), specs.length > 0 ? specs : ['*/test/**/*.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    GRIDSIGHT_TEST_PG_URL: services.postgresUrl,
    GRIDSIGHT_TEST_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    ...(services.redisUrl ? { GRIDSIGHT_TEST_REDIS_URL: services.redisUrl } : {}),
    GRIDSIGHT_TEST_SUMMARY_FILE: summaryFile,
  },
});
const forward = (signal) => mocha.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => mocha.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));

if (stack) {
  say('stopping Kafka and PostgreSQL…');
  await stack.stop();
}

let summary;
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  // Mocha died before its reporter finished (a syntax error, a crash): count the run as failed.
}
rmSync(summaryDir, { recursive: true, force: true });
if (!summary) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(code === 0 ? 1 : code);
}
console.log(summary.line);
process.exit(summary.failures > 0 && code === 0 ? 1 : code);
