import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { migrate } from '../db/migrate.js';
import { ensureTopics } from '../kafka/ensureTopics.js';
import { startDemoFeed, type DemoFeed } from '../run/demoFeed.js';
import { startDemoGateway, type DemoGateway } from '../run/demoGateway.js';
import { DEMO_EDGE_GATEWAY, ensureDemo, type DemoSetup } from '../run/demoSetup.js';
import { assertPipelinePortsFree, pipelineUrls, startPipeline, type Pipeline } from '../run/pipeline.js';
import { EDGE_OPS_PORT_SETTING, loadEdgeOpsPort, loadPipelinePorts } from '../run/runConfig.js';
import { secondsSince } from '../stack/elapsed.js';
import { assertPortFree } from '../stack/ports.js';
import { repoRoot } from '../stack/repoPaths.js';
import { startStack, type Stack } from '../stack/stack.js';
import { loadStackConfig } from '../stack/stackConfig.js';
import { isStackError } from '../stack/stackError.js';

// `npm start`: the whole pipeline on one machine on embedded defaults: Kafka, PostgreSQL and
// Redis, the schema and topics, then the stream-processor, the dispatch-service and the broker,
// and the demo district: a real edge agent replaying camera scenes, beside a few simulated
// gateways (`npm start -- --no-demo` leaves the district out).

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function prepare(stack: Stack): Promise<void> {
  const started = performance.now();
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  try {
    await migrate(db, { onProgress: (line) => say(`migrate: ${line}`) });
  } finally {
    await db.end();
  }
  const admin = new Kafka({ clientId: 'gridsight-run', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin);
    say(`kafka: topics ${created.length > 0 ? `created: ${created.join(', ')}` : 'already in place'}`);
  } finally {
    await admin.disconnect();
  }
  say(`schema and topics ready in ${secondsSince(started)}`);
}

function reportFailure(error: unknown): void {
  // A StackError or ConfigError is written for the user; anything else is a bug and needs its stack trace.
  const forUser = isStackError(error) || (error as Error)?.name === 'ConfigError';
  say(forUser ? `error: ${(error as Error).message}` : `unexpected error: ${(error as Error)?.stack ?? String(error)}`);
}

function printDemo(demo: DemoSetup, gateway: DemoGateway, edgeOpsPort: number, workerApp: string): void {
  const localHour = (new Date().getUTCHours() + 8) % 24;
  const onDuty = localHour >= 7 && localHour < 15 ? 'w-qh-01-d' : localHour >= 15 && localHour < 23 ? 'w-qh-01-e' : 'w-qh-night';
  console.log('');
  console.log(`Demo sign-ins at ${workerApp} (password for all: ${demo.password}):`);
  for (const account of demo.accounts) {
    console.log(`  ${account.id.padEnd(12)} ${account.role.padEnd(10)} ${account.duty}${account.id === onDuty ? '   ← on duty now' : ''}`);
  }
  console.log(`  The ops map is on the same page when you sign in as ops-01 or sup-qh.`);
  const { street } = gateway;
  console.log(`Demo gateway ${street.gatewayId} (${street.cellId}) is a real edge agent: ${street.cameras.length} cameras (${street.cameras.map((c) => c.id).join(', ')}) replay curated held-out`);
  console.log(`  scenes through the shipped model, plus a simulated bin sensor (${street.sensors.map((s) => s.id).join(', ')}); health http://127.0.0.1:${edgeOpsPort}/health,`);
  console.log(`  log ${gateway.agent.logFile}. Its first tickets follow within a minute; a resolved one is verified by the camera.`);
  const simulated = demo.gateways.filter((g) => g.gatewayId !== street.gatewayId).map((g) => g.gatewayId);
  if (simulated.length > 0) console.log(`Simulated gateways ${simulated.join(', ')} report a new problem about every ${SIMULATED_EVERY_MS / 1000} s.`);
}

// Slower than the agent's street, so the simulated problems fill the ops map without burying the agent's tickets.
const SIMULATED_EVERY_MS = 60_000;

async function main(argv: string[]): Promise<number> {
  const withDemo = !argv.includes('--no-demo');
  let config;
  let ports;
  let edgeOpsPort = 0;
  try {
    config = loadStackConfig();
    ports = loadPipelinePorts(process.env);
    await assertPipelinePortsFree(ports);
    if (withDemo) {
      edgeOpsPort = loadEdgeOpsPort(process.env);
      await assertPortFree({ port: edgeOpsPort, likelyHolder: 'another edge agent', setting: EDGE_OPS_PORT_SETTING });
    }
  } catch (error) {
    reportFailure(error);
    return 1;
  }
  const interrupted = new AbortController();
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (interrupted.signal.aborted) say('gridsight: already stopping…');
      interrupted.abort();
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  say('gridsight: starting the local pipeline (Kafka, PostgreSQL, Redis, then the services)…');
  let stack: Stack;
  try {
    stack = await startStack({ ...config, onProgress: say, signal: interrupted.signal });
  } catch (error) {
    if (isStackError(error, 'ABORTED')) return 130;
    reportFailure(error);
    return 1;
  }
  let pipeline: Pipeline | undefined;
  let demo: DemoSetup | undefined;
  let feed: DemoFeed | undefined;
  let gateway: DemoGateway | undefined;
  try {
    await prepare(stack);
    pipeline = await startPipeline(stack, { repoRoot, dataRoot: config.dataRoot, ports, signal: interrupted.signal, onProgress: say });
    if (withDemo) {
      demo = await ensureDemo({ postgresUrl: stack.postgresUrl, dataRoot: config.dataRoot, repoRoot, onProgress: say });
      const agentCredentials = demo.gateways.find((g) => g.gatewayId === DEMO_EDGE_GATEWAY)!;
      gateway = await startDemoGateway({
        repoRoot,
        dataRoot: config.dataRoot,
        postgresUrl: stack.postgresUrl,
        brokerUrl: pipelineUrls(ports).mqtt,
        opsPort: edgeOpsPort,
        cell: demo.district.cells.find((c) => c.cellId === demo!.district.gateways.find((g) => g.gatewayId === DEMO_EDGE_GATEWAY)!.cellId)!,
        credentials: agentCredentials,
        signal: interrupted.signal,
        onProgress: say,
      });
      feed = await startDemoFeed({
        brokerUrl: pipelineUrls(ports).mqtt,
        postgresUrl: stack.postgresUrl,
        district: demo.district,
        gateways: demo.gateways.filter((g) => g !== agentCredentials),
        everyMs: SIMULATED_EVERY_MS,
        maxActive: 4,
        onProgress: say,
      });
    }
  } catch (error) {
    if (!isStackError(error, 'ABORTED')) reportFailure(error);
    await feed?.stop();
    await gateway?.stop();
    await pipeline?.stop();
    await stack.stop();
    return isStackError(error, 'ABORTED') ? 130 : 1;
  }

  const urls = pipelineUrls(ports);
  console.log('');
  console.log('Gridsight is running:');
  console.log(`  Worker app     ${urls.workerApp}   API docs ${urls.apiDocs}`);
  console.log(`  MQTT           ${urls.mqtt}   (WebSocket ${urls.mqttWebSocket})`);
  console.log(`  Kafka          ${stack.kafkaBrokers.join(',')}`);
  console.log(`  PostgreSQL     ${stack.postgresUrl.replace(/:[^:@/]+@/, ':***@')}   (password in ${config.dataRoot}/postgres/superuser-password)`);
  console.log(`  Redis          ${stack.redisUrl}`);
  console.log(`  Health         ${[...Object.values(urls.health), ...(gateway ? [`http://127.0.0.1:${edgeOpsPort}/health`] : [])].join('  ')}`);
  console.log(`  Logs           ${config.dataRoot}/logs/<service>.log`);
  if (demo && gateway) printDemo(demo, gateway, edgeOpsPort, urls.workerApp);
  console.log('pipeline healthy; Ctrl-C stops everything');

  const serviceExit = Promise.race([...pipeline.services, ...(gateway ? [gateway.agent] : [])].map((s) => s.exited.then((exit) => ({ service: s.name, logFile: s.logFile, ...exit }))));
  const reason = await Promise.race([
    stopRequested.then((signal) => ({ signal })),
    stack.unexpectedExit.then((exit) => ({ exit })),
    serviceExit.then((exit) => ({ exit })),
  ]);
  if ('exit' in reason) say(`gridsight: ${reason.exit.service} stopped on its own; see ${reason.exit.logFile}; stopping the rest…`);
  else say(`gridsight: ${reason.signal} received; stopping…`);
  const stopping = performance.now();
  await feed?.stop();
  // Before the broker, so the agent's last status (offline) gets through.
  await gateway?.stop();
  await pipeline.stop();
  await stack.stop();
  say(`gridsight: stopped in ${secondsSince(stopping)}`);
  return 'exit' in reason ? 1 : 0;
}

process.exit(await main(process.argv.slice(2)));
