import { setMaxListeners } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { migrate } from '../db/migrate.js';
import { ensureTopics } from '../kafka/ensureTopics.js';
import { issueGatewaySecrets } from '../run/demoSetup.js';
import { pipelineUrls, startPipeline, type Pipeline, type PipelinePorts } from '../run/pipeline.js';
import { buildDistrict, type District } from '../seed/district.js';
import { createRandom } from '../seed/random.js';
import { writeSeed } from '../seed/writeSeed.js';
import { connectSimulatedGateway } from '../sim/simulatedGateway.js';
import { countLost, storedCounts, type StoredCounts } from '../soak/deliveryCounts.js';
import type { MemorySample } from '../soak/memorySamples.js';
import { sampleMemory, type SampledService } from '../soak/sampleMemory.js';
import { parseSoakOptions, SOAK_USAGE, SoakUsageError, type SoakOptions } from '../soak/soakOptions.js';
import { buildSoakReport, soakMarkdown, type SoakReport } from '../soak/soakReport.js';
import { startSteadyLoad, type LoadGateway, type SteadyLoad } from '../soak/steadyLoad.js';
import { secondsSince } from '../stack/elapsed.js';
import { repoRoot } from '../stack/repoPaths.js';
import { describeExit } from '../stack/runCommand.js';
import { startStack, type Stack } from '../stack/stack.js';
import { isStackError, StackError } from '../stack/stackError.js';
import { freePorts } from '../testing/freePorts.js';

// `npm run soak`: the whole pipeline on a private stack (its own data folder and free ports, so
// it runs beside `npm start` or a test run) under the fault test's steady load for a long time,
// sampling each service's memory; it fails when memory keeps growing or anything is lost or doubled.

const say = (line: string): void => {
  process.stderr.write(`soak: ${line}\n`);
};

const DRAIN_TIMEOUT_MS = 180_000;
const GATEWAY_ONLINE_TIMEOUT_MS = 60_000;
const IN_FLIGHT_GRACE_MS = 60_000;

/** Rejects when the promise has not settled in time or the run is stopped: a broker that acknowledges nothing must not hang the soak. */
function within<T>(promise: Promise<T>, ms: number, what: string, abort: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
    abort.addEventListener('abort', () => reject(new StackError('ABORTED', 'the soak was stopped')), { once: true });
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
const TICKETS_TIMEOUT_MS = 60_000;

async function prepare(stack: Stack, district: District, options: SoakOptions): Promise<LoadGateway['gatewayId'][]> {
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  try {
    await migrate(db);
    await writeSeed(db, district, { incidents: [], detections: [], tickets: [], ticketEvents: [] }, { replace: false });
    const ids = Array.from({ length: options.gateways }, (_, i) => district.gateways[i]?.gatewayId ?? `gw-soak-${String(i + 1).padStart(3, '0')}`);
    const extra = ids.slice(district.gateways.length);
    if (extra.length > 0) await db.query('INSERT INTO gateways (gateway_id, display_name) SELECT id, id FROM unnest($1::text[]) AS id ON CONFLICT DO NOTHING', [extra]);
    const admin = new Kafka({ clientId: 'gridsight-soak', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await ensureTopics(admin);
    } finally {
      await admin.disconnect();
    }
    return ids;
  } finally {
    await db.end();
  }
}

function progressLine(elapsedS: number, options: SoakOptions, load: SteadyLoad, stored: StoredCounts | undefined, samples: MemorySample[]): string {
  const counts = load.counts();
  const memory = samples.map((s) => `${s.service} ${(s.rssBytes / 2 ** 20).toFixed(0)} MB${s.heapUsedBytes ? ` (heap ${(s.heapUsedBytes / 2 ** 20).toFixed(0)})` : ''}`).join(', ');
  const db = stored ? `stored ${stored.storedDistinct}, incidents ${stored.incidents}/${counts.problems}, tickets ${stored.tickets}` : 'database not answering';
  return `${(elapsedS / 60).toFixed(1)}/${(options.durationS / 60).toFixed(1)} min | acknowledged ${counts.acknowledged} (${(counts.acknowledged / Math.max(elapsedS, 1)).toFixed(1)}/s)${counts.publishFailures ? `, ${counts.publishFailures} publish failures` : ''}, ${db} | RSS ${memory}`;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) {
      say(`${what}: still not there after ${timeoutMs / 1000} s; counting as it stands`);
      return false;
    }
    await sleep(1000);
  }
}

async function writeReport(report: SoakReport, samples: MemorySample[], outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : Number((bytes / 2 ** 20).toFixed(1)));
  const raw = samples.map((s) => ({ service: s.service, atS: Math.round(s.atS), rssMb: mb(s.rssBytes), heapUsedMb: mb(s.heapUsedBytes), heapTotalMb: mb(s.heapTotalBytes), externalMb: mb(s.externalBytes) }));
  await writeFile(join(outDir, 'soak.json'), `${JSON.stringify({ ...report, samples: raw }, null, 2)}\n`);
  await writeFile(join(outDir, 'soak.md'), soakMarkdown(report));
}

async function run(options: SoakOptions, dataRoot: string, stopEarly: AbortSignal, abort: AbortSignal): Promise<{ report: SoakReport; samples: MemorySample[] }> {
  const district = buildDistrict();
  const random = createRandom(20261128);
  const [kafkaPort, kafkaControllerPort, pgPort, redisPort, ...service] = await freePorts(10);
  const ports: PipelinePorts = { mqtt: service[0]!, mqttWebSocket: service[1]!, http: service[2]!, brokerOps: service[3]!, streamProcessorOps: service[4]!, dispatchOps: service[5]! };
  say(`private stack in ${dataRoot} (Kafka ${kafkaPort}, PostgreSQL ${pgPort}, Redis ${redisPort}, MQTT ${ports.mqtt})…`);
  const stack = await startStack({ dataRoot, kafkaPort: kafkaPort!, kafkaControllerPort: kafkaControllerPort!, pgPort: pgPort!, redisPort: redisPort!, onProgress: say, signal: abort });
  let pipeline: Pipeline | undefined;
  const gateways: LoadGateway[] = [];
  let stopping = false;
  try {
    const ids = await prepare(stack, district, options);
    say(`schema, district and topics ready; issuing MQTT secrets for ${ids.length} gateways…`);
    const credentials = await issueGatewaySecrets({ postgresUrl: stack.postgresUrl, repoRoot }, ids);
    pipeline = await startPipeline(stack, { repoRoot, dataRoot, ports, env: { GRIDSIGHT_LOG_LEVEL: 'warn' }, signal: abort, onProgress: say });
    const unexpectedExits: string[] = [];
    for (const running of pipeline.services) void running.exited.then((exit) => (stopping ? undefined : unexpectedExits.push(`${running.name} ${describeExit(exit)} (log: ${running.logFile})`)));
    void stack.unexpectedExit.then((exit) => unexpectedExits.push(`${exit.service} ${describeExit(exit)} (log: ${exit.logFile})`));
    for (const [index, credential] of credentials.entries()) {
      const cell = district.cells.find((c) => c.cellId === district.gateways[index % district.gateways.length]!.cellId)!;
      const connecting = connectSimulatedGateway(pipelineUrls(ports).mqtt, credential);
      const broker = pipeline.services.find((s) => s.name === 'broker')!;
      const client = await within(connecting, GATEWAY_ONLINE_TIMEOUT_MS, `gateway ${credential.gatewayId} was not online and acknowledged (see ${broker.logFile})`, abort);
      gateways.push({ gatewayId: credential.gatewayId, cell, client });
    }
    const opsPort: Record<string, number> = { broker: ports.brokerOps, 'stream-processor': ports.streamProcessorOps, 'dispatch-service': ports.dispatchOps };
    const sampled: SampledService[] = pipeline.services.map((s) => ({ name: s.name, pid: s.pid, metricsUrl: `http://127.0.0.1:${opsPort[s.name]}/metrics` }));

    say(`load: ${options.rate} events/s from ${gateways.length} gateways for ${(options.durationS / 60).toFixed(1)} min; memory every ${options.sampleEveryS} s (Ctrl-C ends the load early and still reports)`);
    const load = startSteadyLoad({ gateways, ratePerSecond: options.rate, newProblemEveryS: options.newProblemEveryS, random });
    const started = performance.now();
    const elapsedS = (): number => (performance.now() - started) / 1000;
    const samples: MemorySample[] = [];
    const db = new pg.Client({ connectionString: stack.postgresUrl });
    await db.connect();
    try {
      for (let n = 0; ; n++) {
        const due = n * options.sampleEveryS;
        if (due > options.durationS || stopEarly.aborted || unexpectedExits.length > 0) break;
        const wait = (due - elapsedS()) * 1000;
        if (wait > 0) await sleep(wait, undefined, { signal: stopEarly }).catch(() => undefined);
        if (stopEarly.aborted) break;
        const now = await sampleMemory(sampled, elapsedS());
        samples.push(...now);
        const stored = await storedCounts(db).catch(() => undefined);
        say(progressLine(elapsedS(), options, load, stored, now));
      }
      const loadSeconds = elapsedS();
      say('load stopped; waiting for every acknowledged event to be stored and every incident to get its ticket…');
      await load.stop(IN_FLIGHT_GRACE_MS);
      const acknowledged = load.counts().acknowledged;
      await waitFor('stored events', async () => (await storedCounts(db)).storedDistinct >= acknowledged, DRAIN_TIMEOUT_MS);
      const problems = load.counts().problems;
      await waitFor('incidents and tickets', async () => {
        const counts = await storedCounts(db);
        return counts.incidents >= problems && counts.tickets >= counts.incidents;
      }, TICKETS_TIMEOUT_MS);
      const stored = await storedCounts(db);
      const lost = await countLost(db, load.acknowledgedIds);
      const { published, publishFailures } = load.counts();
      const report = buildSoakReport({
        options,
        at: new Date(),
        machine: { cpus: cpus().length, node: process.version },
        loadSeconds,
        samples,
        delivery: { published, acknowledged, publishFailures, problems, lost, ...stored },
        unexpectedExits,
      });
      return { report, samples };
    } finally {
      await db.end();
    }
  } finally {
    stopping = true;
    await Promise.all(gateways.map((g) => g.client.close().catch(() => undefined)));
    await pipeline?.stop();
    await stack.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SOAK_USAGE);
    return 0;
  }
  let options: SoakOptions;
  try {
    options = parseSoakOptions(argv, join(repoRoot, 'bench', 'results'));
  } catch (error) {
    if (!(error instanceof SoakUsageError)) throw error;
    say(`${error.message}\n${SOAK_USAGE}`);
    return 2;
  }
  const stopEarly = new AbortController();
  const abort = new AbortController();
  // Every server, service and wait of the run listens on these: more than Node's default warning level of 10.
  setMaxListeners(64, stopEarly.signal, abort.signal);
  const onSignal = (): void => {
    if (stopEarly.signal.aborted) {
      say('stopping now, without a report…');
      abort.abort();
    } else {
      say('ending the load early; Ctrl-C again stops at once');
      stopEarly.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const dataRoot = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gridsight-soak-')));
  // PostgreSQL runs as its own OS user when we are root; it must be able to enter this folder.
  await chmod(dataRoot, 0o755);
  const started = performance.now();
  let report: SoakReport;
  let samples: MemorySample[];
  try {
    ({ report, samples } = await run(options, dataRoot, stopEarly.signal, abort.signal));
  } catch (error) {
    if (isStackError(error, 'ABORTED')) {
      say(`stopped; data and logs kept in ${dataRoot}`);
      return 130;
    }
    const forUser = isStackError(error) || (error as Error)?.name === 'ConfigError';
    say(`${forUser ? 'error' : 'unexpected error'}: ${forUser ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`);
    say(`data and logs kept in ${dataRoot}`);
    return 1;
  }
  await writeReport(report, samples, options.outDir);
  const { delivery } = report;
  say(`done in ${secondsSince(started)}: ${report.ok ? 'PASSED' : 'FAILED'}`);
  for (const [name, s] of Object.entries(report.services)) {
    say(`  ${name}: RSS ${s.rssMb.first} → ${s.rssMb.last} MB (max ${s.rssMb.max}), slope ${s.rssSlopeMbPerHour ?? '–'} MB/h (bound ${options.maxSlopeMbPerHour})`);
  }
  say(`  acknowledged ${delivery.acknowledged}, stored ${delivery.storedDistinct}, lost ${delivery.lost}, duplicated ${delivery.duplicated}; problems ${delivery.problems}, incidents ${delivery.incidents}, tickets ${delivery.tickets}`);
  for (const failure of report.failures) say(`  failure: ${failure}`);
  say(`report: ${join(options.outDir, 'soak.md')} and soak.json`);
  if (report.ok && !options.dataDir) await rm(dataRoot, { recursive: true, force: true });
  else say(`data and logs kept in ${dataRoot}`);
  return report.ok ? 0 : 1;
}

process.exit(await main(process.argv.slice(2)));
