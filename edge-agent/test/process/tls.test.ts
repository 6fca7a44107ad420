import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_TOPICS } from '@gridsight/contracts';
import { createTestDatabase, makeTestPki, testRedisUrl, testServices, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { freePort, healthy, repoRoot, startNode, waitFor, type Child } from '../helpers/processes.js';

const run = promisify(execFile);

describe('edge agent over MQTT with TLS against the real broker', function () {
  this.timeout(180_000);
  let dir: string;
  let db: TestDatabase;
  let consumer: Consumer;
  let broker: Child;
  let mqttsPort: number;
  let fingerprint: string;
  const children: Child[] = [];
  const received = new Map<string, number>();

  before(async () => {
    const pki = await makeTestPki(mkdtempSync(join(tmpdir(), 'edge-tls-')));
    dir = pki.dir;
    fingerprint = pki.clientFingerprint;

    db = await createTestDatabase();
    mqttsPort = await freePort();
    const opsPort = await freePort();
    broker = startNode(
      'broker/dist/main.js',
      [],
      {
        GRIDSIGHT_BROKER_HOST: '127.0.0.1',
        GRIDSIGHT_MQTT_PORT: String(await freePort()),
        GRIDSIGHT_MQTTS_PORT: String(mqttsPort),
        GRIDSIGHT_MQTT_WS_PORT: String(await freePort()),
        GRIDSIGHT_BROKER_OPS_PORT: String(opsPort),
        GRIDSIGHT_TLS_CERT_FILE: pki.serverCertFile,
        GRIDSIGHT_TLS_KEY_FILE: pki.serverKeyFile,
        GRIDSIGHT_TLS_CA_FILE: pki.caFile,
        GRIDSIGHT_KAFKA_BROKERS: testServices().kafkaBrokers.join(','),
        GRIDSIGHT_DATABASE_URL: db.url,
        GRIDSIGHT_REDIS_URL: testRedisUrl(),
        GRIDSIGHT_LOG_LEVEL: 'warn',
      },
      join(dir, 'broker.log'),
    );
    children.push(broker);
    await waitFor('the broker to be healthy', () => healthy(opsPort));

    consumer = new Kafka({ clientId: 'edge-tls-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('edge-tls') });
    await consumer.connect();
    await consumer.subscribe({ topic: KAFKA_TOPICS.anomalyEvents, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const gatewayId = (JSON.parse(message.value?.toString() ?? '{}') as { source?: { gatewayId?: string } }).source?.gatewayId;
        if (gatewayId) received.set(gatewayId, (received.get(gatewayId) ?? 0) + 1);
      },
    });
    await joined;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  });

  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await consumer?.disconnect();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const startAgent = async (gatewayId: string, broker: Record<string, unknown>): Promise<Child> => {
    const config = join(dir, `${gatewayId}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        gatewayId,
        model: { path: join(repoRoot, 'models', 'gridsight-detector.onnx') },
        sensors: [
          {
            id: 'tilt-1',
            location: { lat: 52.5, lon: 13.4 },
            driver: { type: 'simulated', metric: 'tilt_deg', values: [30, 0], intervalMs: 200 },
            rules: [{ metric: 'tilt_deg', kind: 'manhole_open', raiseAbove: 15, clearBelow: 5 }],
          },
        ],
        broker: { url: `mqtts://127.0.0.1:${mqttsPort}`, caFile: join(dir, 'ca.pem'), reconnectMs: 500, ...broker },
        buffer: { path: join(dir, `${gatewayId}.db`) },
        ops: { host: '127.0.0.1', port: await freePort() },
      }),
    );
    const agent = startNode('edge-agent/dist/main.js', ['--config', config], {}, join(dir, `${gatewayId}.log`));
    children.push(agent);
    return agent;
  };

  it('logs in with a client certificate and delivers events', async () => {
    const gatewayId = uniqueName('gw-cert').replace(/_/g, '-').slice(0, 60);
    await run(process.execPath, [join(repoRoot, 'broker/dist/cli/gateways.js'), 'provision', gatewayId, '--cert-fingerprint', fingerprint, '--no-secret'], { env: { ...process.env, GRIDSIGHT_DATABASE_URL: db.url } });
    const agent = await startAgent(gatewayId, { username: gatewayId, certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client.key') });
    await waitFor('events from the certificate gateway', () => ((received.get(gatewayId) ?? 0) >= 3 ? true : undefined));
    agent.process.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
  });

  it('logs in with username and password over TLS and delivers events', async () => {
    const gatewayId = uniqueName('gw-pass').replace(/_/g, '-').slice(0, 60);
    const { stdout } = await run(process.execPath, [join(repoRoot, 'broker/dist/cli/gateways.js'), 'provision', gatewayId], { env: { ...process.env, GRIDSIGHT_DATABASE_URL: db.url } });
    writeFileSync(join(dir, `${gatewayId}.secret`), (JSON.parse(stdout) as { password: string }).password);
    const agent = await startAgent(gatewayId, { username: gatewayId, passwordFile: join(dir, `${gatewayId}.secret`) });
    await waitFor('events from the password gateway', () => ((received.get(gatewayId) ?? 0) >= 3 ? true : undefined));
    agent.process.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
  });

  it('refuses a broker whose certificate its CA did not sign, and keeps the events on disk', async () => {
    const gatewayId = uniqueName('gw-mitm').replace(/_/g, '-').slice(0, 60);
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'other.key'), '-out', join(dir, 'other.pem'), '-days', '2', '-subj', '/CN=other']);
    const agent = await startAgent(gatewayId, { username: gatewayId, caFile: join(dir, 'other.pem') });
    await waitFor('a refused TLS handshake in the log', () => (agent.lines.some((line) => /mqtt connection error/.test(line) && /certificate|self.signed|issuer/i.test(line)) ? true : undefined));
    await waitFor('events stored meanwhile', () => (agent.lines.filter((line) => line.includes('"msg":"event stored"')).length >= 2 ? true : undefined));
    assert.equal(received.get(gatewayId), undefined);
    agent.process.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
  });
});
