import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_TOPICS } from '@gridsight/contracts';
import { createTestDatabase, testRedisUrl, testServices, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { freePort, healthy, repoRoot, startNode, waitFor, type Child } from '../helpers/processes.js';

const run = promisify(execFile);

interface StatusSeen {
  state: string;
  agentVersion?: string;
}

interface Received {
  eventId: string;
  type: string;
}

describe('edge agent against the real broker: outage, kill -9 and a full buffer', function () {
  this.timeout(240_000);
  let db: TestDatabase;
  let dir: string;
  let consumer: Consumer;
  let gatewayId: string;
  let password: string;
  let mqttPort: number;
  let brokerOpsPort: number;
  let wsPort: number;
  let broker: Child | undefined;
  const agents: Child[] = [];
  const received: Received[] = [];
  const statuses: StatusSeen[] = [];

  const startBroker = async (): Promise<void> => {
    broker = startNode(
      'broker/dist/main.js',
      [],
      {
        GRIDSIGHT_BROKER_HOST: '127.0.0.1',
        GRIDSIGHT_MQTT_PORT: String(mqttPort),
        GRIDSIGHT_MQTTS_PORT: '0',
        GRIDSIGHT_MQTT_WS_PORT: String(wsPort),
        GRIDSIGHT_BROKER_OPS_PORT: String(brokerOpsPort),
        GRIDSIGHT_KAFKA_BROKERS: testServices().kafkaBrokers.join(','),
        GRIDSIGHT_DATABASE_URL: db.url,
        GRIDSIGHT_REDIS_URL: testRedisUrl(),
        GRIDSIGHT_LOG_LEVEL: 'warn',
      },
      join(dir, 'broker.log'),
    );
    await waitFor('the broker to be healthy', () => healthy(brokerOpsPort));
  };

  const startAgent = (config: string): Child => {
    const agent = startNode('edge-agent/dist/main.js', ['--config', config], {}, join(dir, 'agent.log'));
    agents.push(agent);
    return agent;
  };

  const writeConfig = (name: string, overrides: { bufferMaxBytes?: number; bufferPath: string; opsPort: number; noSensors?: boolean }): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        gatewayId,
        logLevel: 'info',
        model: { path: join(repoRoot, 'models', 'gridsight-detector.onnx') },
        sensors: overrides.noSensors ? [] : [
          {
            id: 'bin-1',
            location: { lat: 52.52, lon: 13.405, accuracyM: 3 },
            // Every reading crosses a threshold: one event per reading, alternating detected and cleared.
            driver: { type: 'simulated', metric: 'fill_pct', unit: '%', values: [95, 10], intervalMs: 100 },
            rules: [{ metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, holdMs: 0, clearBelow: 50, clearHoldMs: 0 }],
          },
        ],
        broker: { url: `mqtt://127.0.0.1:${mqttPort}`, username: gatewayId, passwordFile: join(dir, 'secret'), reconnectMs: 300, maxPublishPerSecond: 40 },
        buffer: { path: overrides.bufferPath, ...(overrides.bufferMaxBytes ? { maxBytes: overrides.bufferMaxBytes } : {}) },
        ops: { host: '127.0.0.1', port: overrides.opsPort },
      }),
    );
    return path;
  };

  const stored = (agent: Child): string[] =>
    agent.lines.flatMap((line) => {
      const entry = JSON.parse(line) as { msg?: string; eventId?: string };
      return entry.msg === 'event stored' && entry.eventId ? [entry.eventId] : [];
    });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-outage-'));
    db = await createTestDatabase();
    gatewayId = uniqueName('gw-edge').replace(/_/g, '-').slice(0, 60);
    const { stdout } = await run(process.execPath, [join(repoRoot, 'broker/dist/cli/gateways.js'), 'provision', gatewayId], { env: { ...process.env, GRIDSIGHT_DATABASE_URL: db.url } });
    password = (JSON.parse(stdout) as { password: string }).password;
    writeFileSync(join(dir, 'secret'), `${password}\n`);
    [mqttPort, brokerOpsPort, wsPort] = [await freePort(), await freePort(), await freePort()];

    const kafka = new Kafka({ clientId: 'edge-outage-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: uniqueName('edge-outage') });
    await consumer.connect();
    await consumer.subscribe({ topics: [KAFKA_TOPICS.anomalyEvents, KAFKA_TOPICS.gatewayStatus], fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (topic === KAFKA_TOPICS.gatewayStatus) {
          const record = JSON.parse(message.value?.toString() ?? '{}') as { status?: StatusSeen & { gatewayId?: string } };
          if (record.status?.gatewayId === gatewayId) statuses.push({ state: record.status.state, ...(record.status.agentVersion ? { agentVersion: record.status.agentVersion } : {}) });
          return;
        }
        const event = JSON.parse(message.value?.toString() ?? '{}') as { eventId?: string; type?: string; source?: { gatewayId?: string } };
        if (event.source?.gatewayId === gatewayId && event.eventId) received.push({ eventId: event.eventId, type: event.type ?? '' });
      },
    });
    await joined;
    // A group member that just joined has no committed offset yet; `latest` is fixed once it fetches.
    await sleep(2000);
  });

  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async () => {
    for (const agent of agents) agent.process.kill('SIGKILL');
    broker?.process.kill('SIGKILL');
    await consumer?.disconnect();
    await db?.drop();
    if (failed) console.error(`agent and broker logs kept in ${dir}`);
    else if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event, in order, after the broker was down and the agent was killed with SIGKILL', async () => {
    await startBroker();
    const bufferPath = join(dir, 'events.db');
    const opsPort = await freePort();
    const config = writeConfig('agent.json', { bufferPath, opsPort });
    const first = startAgent(config);
    await waitFor('events to arrive while the broker is up', () => (received.length >= 5 ? true : undefined));

    broker?.process.kill('SIGKILL');
    await broker?.exited;
    const storedBeforeOutage = stored(first).length;
    await waitFor('events to be stored while the broker is down', () => (stored(first).length >= storedBeforeOutage + 10 ? true : undefined));
    first.process.kill('SIGKILL');
    await first.exited;

    const second = startAgent(config);
    await waitFor('the restarted agent to store events', () => (stored(second).length >= 5 ? true : undefined));
    await startBroker();
    const all = [...stored(first), ...stored(second)];
    await waitFor(`all ${all.length} stored events to reach Kafka`, () => {
      const ids = new Set(received.map((r) => r.eventId));
      return all.every((id) => ids.has(id)) ? true : undefined;
    }, 120_000);
    second.process.kill('SIGTERM');
    assert.equal(await second.exited, 0, 'the agent stops cleanly on SIGTERM');

    // First arrivals only: a message whose PUBACK the kill cut off is sent again (at least once).
    const firstArrivals: string[] = [];
    const seen = new Set<string>();
    for (const { eventId } of received) {
      if (seen.has(eventId)) continue;
      seen.add(eventId);
      firstArrivals.push(eventId);
    }
    const stable = firstArrivals.filter((id) => all.includes(id));
    assert.deepEqual(stable, [...all].sort(), 'events arrive in the order they were observed (UUIDv7 order)');
    assert.ok(all.length >= storedBeforeOutage + 15, `events were produced during the outage (${all.length} in all)`);
  });

  it('publishes a retained online status with the agent version, and the Last Will marks it offline after SIGKILL', async () => {
    const opsPort = await freePort();
    const agent = startAgent(writeConfig('status.json', { bufferPath: join(dir, 'status.db'), opsPort }));
    const from = statuses.length;
    await waitFor('an online status', () => (statuses.slice(from).some((s) => s.state === 'online') ? true : undefined));
    assert.equal(statuses.slice(from).find((s) => s.state === 'online')?.agentVersion, '0.1.0');
    agent.process.kill('SIGKILL');
    await agent.exited;
    await waitFor('the Last Will (offline)', () => (statuses.slice(from).some((s) => s.state === 'offline') ? true : undefined), 90_000);
  });

  it('drops the oldest events when the buffer is full, and counts them', async () => {
    broker?.process.kill('SIGKILL');
    await broker?.exited;
    const opsPort = await freePort();
    const agent = startAgent(writeConfig('small.json', { bufferPath: join(dir, 'small.db'), bufferMaxBytes: 4096, opsPort }));
    await waitFor('the agent to drop events', async () => {
      const response = await fetch(`http://127.0.0.1:${opsPort}/metrics`).catch(() => undefined);
      const text = response?.ok ? await response.text() : '';
      const dropped = /gridsight_edge_events_dropped_total\{[^}]*\} (\d+)/.exec(text);
      return dropped && Number(dropped[1]) >= 10 ? true : undefined;
    });
    agent.process.kill('SIGKILL');
    await agent.exited;
    const ids = stored(agent);
    const before = new Set(received.map((r) => r.eventId));
    await startBroker();
    // Without the sensor the backlog is all there is to send: on a slow machine new events would push it out of the 4 KiB store first.
    const restarted = startAgent(writeConfig('small-replay.json', { bufferPath: join(dir, 'small.db'), bufferMaxBytes: 4096, opsPort, noSensors: true }));
    await waitFor('the newest buffered event to arrive', () => (received.some((r) => r.eventId === ids.at(-1)) ? true : undefined), 60_000);
    const replayed = ids.filter((id) => received.some((r) => r.eventId === id) && !before.has(id));
    assert.ok(!replayed.includes(ids[0] as string), 'the oldest event was dropped');
    assert.ok(replayed.length < ids.length, `fewer events arrive (${replayed.length}) than were stored (${ids.length})`);
    restarted.process.kill('SIGTERM');
    await restarted.exited;
  });
});
