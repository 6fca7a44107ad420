// Broker throughput: QoS 1 messages/s from N concurrent simulated gateways through the real broker
// process (node broker/dist/main.js: auth, ACL, validation, PUBACK only after Kafka acks=all), and
// p50/p99 publish→PUBACK, against Debian's mosquitto (QoS 1, no bridge, no persistence) driven by
// the same load generator in the same run. Target: ≥ 0.5× mosquitto's rate.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_TOPICS, mqttTopics } from '@gridsight/contracts';
import { ensureTopics } from '@gridsight/deploy';
import { createTestDatabase, freePort, testServices, uniqueName } from '@gridsight/deploy/testing';
import { Kafka, logLevel } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { hashSecret, newSecret } from '@gridsight/service-kit';
import { anomalyEvent } from '../broker/test/support/fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const GATEWAYS = Number(process.env.GRIDSIGHT_BENCH_GATEWAYS ?? 20);
const PER_GATEWAY = Number(process.env.GRIDSIGHT_BENCH_MESSAGES ?? 1000);
// Unacknowledged messages per gateway: a gateway replaying its store-and-forward backlog.
const WINDOW = Number(process.env.GRIDSIGHT_BENCH_WINDOW ?? 10);
const ROUNDS = Number(process.env.GRIDSIGHT_BENCH_ROUNDS ?? 5);
// Extra node flags for the broker process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under this load.
const BROKER_NODE_ARGS = (process.env.GRIDSIGHT_BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const say = (line: string) => process.stderr.write(`broker bench: ${line}\n`);

interface Gateway {
  id: string;
  password?: string;
}

interface RunResult {
  messages: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time per message of each process taking part (µs): where the two cores went. */
  cpuMicrosPerMessage: Record<string, number>;
  /** The broker's Kafka batches in this round (from its /metrics): how many, records in each, sendBatch until acks=all. */
  kafkaBatches?: { batches: number; meanRecords: number; meanMs: number };
}

interface BatchCounters {
  batches: number;
  records: number;
  seconds: number;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** User + system CPU seconds of a process, all its threads included (Linux /proc). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The process listening on a local TCP port (the Kafka broker of the stack), if it is on this machine. */
function listenerPid(port: number): number | undefined {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * On a machine loaded by other work, a CONNECT now and then meets a credential check that timed out
 * (CONNACK "server unavailable"); a gateway tries again, and so does the load generator, a few times.
 */
async function connect(label: string, port: number, gateway: Gateway): Promise<MqttClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: gateway.id, username: gateway.password ? gateway.id : undefined, password: gateway.password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 30_000 });
    } catch (error) {
      if (attempt >= 5) throw error;
      say(`${label}: ${gateway.id} could not connect (${(error as Error).message}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** N gateways, each keeping WINDOW QoS 1 publishes outstanding until it has sent PER_GATEWAY. */
async function drive(label: string, port: number, gateways: Gateway[], perGateway: number, processes: Record<string, number> = {}, batchCounters?: () => Promise<BatchCounters>): Promise<RunResult> {
  const clients: MqttClient[] = await Promise.all(gateways.map((g) => connect(label, port, g)));
  const payloads = gateways.map((g) => Array.from({ length: perGateway }, () => Buffer.from(JSON.stringify(anomalyEvent(g.id)))));
  const latencies: number[] = [];
  let acked = 0;
  const total = gateways.length * perGateway;
  const batchesBefore = await batchCounters?.();
  const cpuBefore = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  const progress = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    say(`${label}: ${acked}/${total} acknowledged, ${Math.round(acked / seconds)} msg/s`);
  }, 1000);
  await Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve, reject) => {
          const topic = mqttTopics.gatewayEvents(gateways[i]!.id);
          let next = 0;
          let done = 0;
          const send = (): void => {
            const n = next++;
            const sentAt = performance.now();
            client.publish(topic, payloads[i]![n]!, { qos: 1 }, (error) => {
              if (error) return reject(error);
              latencies.push(performance.now() - sentAt);
              acked++;
              done++;
              if (next < perGateway) send();
              else if (done === perGateway) resolve();
            });
          };
          for (let w = 0; w < Math.min(WINDOW, perGateway); w++) send();
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const generatorCpu = process.cpuUsage(generatorBefore);
  const cpuMicrosPerMessage: Record<string, number> = { 'load generator': (generatorCpu.user + generatorCpu.system) / total };
  for (const [name, pid] of Object.entries(processes)) cpuMicrosPerMessage[name] = ((cpuSecondsOf(pid) - (cpuBefore[name] as number)) * 1e6) / total;
  clearInterval(progress);
  const batchesAfter = await batchCounters?.();
  await Promise.all(clients.map((c) => c.endAsync()));
  latencies.sort((a, b) => a - b);
  const result: RunResult = { messages: total, seconds, perSecond: total / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies[latencies.length - 1] ?? NaN, cpuMicrosPerMessage };
  if (batchesBefore && batchesAfter) {
    const batches = batchesAfter.batches - batchesBefore.batches;
    result.kafkaBatches = { batches, meanRecords: (batchesAfter.records - batchesBefore.records) / batches, meanMs: ((batchesAfter.seconds - batchesBefore.seconds) * 1000) / batches };
  }
  return result;
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} during start-up`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.once('listening', () => socket.close(() => resolve(false)));
      socket.once('error', () => resolve(true));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Target {
  port: number;
  gateways: Gateway[];
  /** Processes whose CPU time a round accounts for, by name. */
  processes: Record<string, number>;
  stop(): Promise<void>;
}

async function startMosquitto(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_inflight_messages 0', 'max_queued_messages 100000', 'log_dest none', ''].join('\n'));
  const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port, child, 'mosquitto');
  return {
    port,
    processes: { mosquitto: child.pid as number },
    gateways: Array.from({ length: GATEWAYS }, () => ({ id: uniqueName('bench-mq').replace(/_/g, '-') })),
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sums of the broker's Kafka batch histograms, read from its Prometheus endpoint. */
async function readBatchCounters(opsPort: number): Promise<BatchCounters> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name}(?:{[^}]*})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { batches: value('gridsight_broker_kafka_batch_records_count'), records: value('gridsight_broker_kafka_batch_records_sum'), seconds: value('gridsight_broker_kafka_batch_seconds_sum') };
}

async function startGridsightBroker(): Promise<Target & { recordsWritten(): Promise<number>; batchCounters(): Promise<BatchCounters> }> {
  const { kafkaBrokers } = testServices();
  const db = await createTestDatabase();
  const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await ensureTopics(admin);
  const offsets = await admin.fetchTopicOffsets(KAFKA_TOPICS.anomalyEvents);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const gateways: Gateway[] = [];
  for (let i = 0; i < GATEWAYS; i++) {
    const gateway = { id: uniqueName('bench-gw').replace(/_/g, '-'), password: newSecret() };
    await pool.query('INSERT INTO gateways (gateway_id, secret_hash) VALUES ($1, $2)', [gateway.id, await hashSecret(gateway.password)]);
    gateways.push(gateway);
  }
  await pool.end();
  const [mqttPort, wsPort, mqttsPort, opsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [...BROKER_NODE_ARGS, join(root, 'broker', 'dist', 'main.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      GRIDSIGHT_BROKER_HOST: '127.0.0.1',
      GRIDSIGHT_MQTT_PORT: String(mqttPort),
      GRIDSIGHT_MQTT_WS_PORT: String(wsPort),
      GRIDSIGHT_MQTTS_PORT: String(mqttsPort),
      GRIDSIGHT_BROKER_OPS_PORT: String(opsPort),
      GRIDSIGHT_KAFKA_BROKERS: kafkaBrokers.join(','),
      GRIDSIGHT_DATABASE_URL: db.url,
      GRIDSIGHT_REDIS_URL: process.env.GRIDSIGHT_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379',
      // The per-gateway limit (50/s by default) would measure the limit, not the pipeline.
      GRIDSIGHT_MQTT_RATE_PER_SECOND: '1000000',
      GRIDSIGHT_MQTT_RATE_BURST: '1000000',
      GRIDSIGHT_LOG_LEVEL: 'warn',
    },
  });
  await waitForPort(mqttPort, child, 'broker');
  const kafkaPid = listenerPid(Number(kafkaBrokers[0]?.split(':')[1]));
  return {
    port: mqttPort,
    processes: { broker: child.pid as number, ...(kafkaPid ? { kafka: kafkaPid } : {}) },
    gateways,
    batchCounters: () => readBatchCounters(opsPort),
    recordsWritten: async () => {
      const now = await admin.fetchTopicOffsets(KAFKA_TOPICS.anomalyEvents);
      return now.reduce((sum, p) => sum + Number(p.offset) - Number(offsets.find((o) => o.partition === p.partition)?.offset ?? 0), 0);
    },
    stop: async () => {
      await stop(child);
      await admin.disconnect();
      await db.drop();
    },
  };
}

function median(results: RunResult[]): RunResult {
  const sorted = [...results].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[Math.floor(sorted.length / 2)] as RunResult;
}

const cpu = (r: RunResult) => Object.entries(r.cpuMicrosPerMessage).map(([name, micros]) => `${name} ${micros.toFixed(0)}`).join(', ');
const row = (label: string, r: RunResult) => `| ${label} | **${Math.round(r.perSecond)} msg/s** | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${r.maxMs.toFixed(1)} ms | ${r.seconds.toFixed(2)} s | ${cpu(r)} |`;

say(`${GATEWAYS} gateways × ${PER_GATEWAY} QoS 1 events, ${WINDOW} unacknowledged per gateway, ${ROUNDS} alternating rounds`);
const mosquittoTarget = await startMosquitto();
const brokerTarget = await startGridsightBroker();
const mosquittoRuns: RunResult[] = [];
const brokerRuns: RunResult[] = [];
let inKafka: number;
const warmups = GATEWAYS * Math.min(100, PER_GATEWAY);
try {
  await drive('mosquitto warm-up', mosquittoTarget.port, mosquittoTarget.gateways, Math.min(100, PER_GATEWAY));
  await drive('broker warm-up', brokerTarget.port, brokerTarget.gateways, Math.min(100, PER_GATEWAY));
  // Alternating rounds and medians: the machine is shared, and a burst of other work hits one round, not one side.
  for (let round = 1; round <= ROUNDS; round++) {
    mosquittoRuns.push(await drive(`round ${round}/${ROUNDS} mosquitto`, mosquittoTarget.port, mosquittoTarget.gateways, PER_GATEWAY, mosquittoTarget.processes));
    brokerRuns.push(await drive(`round ${round}/${ROUNDS} broker`, brokerTarget.port, brokerTarget.gateways, PER_GATEWAY, brokerTarget.processes, brokerTarget.batchCounters));
  }
  inKafka = await brokerTarget.recordsWritten();
} finally {
  await mosquittoTarget.stop();
  await brokerTarget.stop();
}
const mosquitto = median(mosquittoRuns);
const broker = median(brokerRuns);
const expectedInKafka = warmups + brokerRuns.reduce((sum, r) => sum + r.messages, 0);
const ratio = broker.perSecond / mosquitto.perSecond;
const result = { at: new Date().toISOString(), gateways: GATEWAYS, perGateway: PER_GATEWAY, window: WINDOW, rounds: ROUNDS, broker, mosquitto, ratio, target: 0.5, brokerRuns, mosquittoRuns, kafkaRecordsWritten: inKafka, kafkaRecordsExpected: expectedInKafka };
const markdown = `# broker benchmark (${result.at})

${GATEWAYS} simulated gateways (mqtt.js, MQTT 3.1.1) each publish ${PER_GATEWAY} AnomalyEvents with QoS 1, keeping ${WINDOW} unacknowledged at a time; one machine (Kafka, both brokers and the load generator share its cores), load generator in its own process. Median of ${ROUNDS} alternating rounds; every round: ${brokerRuns.map((r) => Math.round(r.perSecond)).join(', ')} msg/s (broker) and ${mosquittoRuns.map((r) => Math.round(r.perSecond)).join(', ')} msg/s (mosquitto).

| broker | rate | p50 publish→PUBACK | p99 | max | time | CPU µs per message |
|---|---|---|---|---|---|---|
${row('gridsight broker (auth, ACL, validation, PUBACK after Kafka acks=all)', broker)}
${row('baseline: Debian mosquitto, QoS 1, no bridge, no persistence', mosquitto)}

**Ratio to mosquitto: ${ratio.toFixed(2)}×** (target ≥ 0.5×). The broker's Kafka batches in the median round: ${broker.kafkaBatches ? `${broker.kafkaBatches.batches} batches of ${broker.kafkaBatches.meanRecords.toFixed(0)} records on average, ${broker.kafkaBatches.meanMs.toFixed(1)} ms each from sendBatch to acks=all` : 'not read'}. Records the broker wrote to \`anomaly-events\` during the run: ${inKafka} (expected ${result.kafkaRecordsExpected}, warm-up included).
`;
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'broker.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(resultsDir, 'broker.md'), markdown);
process.stdout.write(markdown);
if (inKafka < result.kafkaRecordsExpected) {
  say(`only ${inKafka} of ${result.kafkaRecordsExpected} records reached Kafka`);
  process.exit(1);
}
