import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { anomalyEventCodec, KAFKA_TOPICS, mqttTopics, type AnomalyEvent, type DlqRecord } from '@gridsight/contracts';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { v7 as uuidV7 } from 'uuid';
import { ensureTopics } from '../../src/kafka/ensureTopics.js';
import { ensureDevKeys } from '../../src/run/devKeys.js';
import { issueGatewaySecrets } from '../../src/run/demoSetup.js';
import { startService, type RunningService } from '../../src/run/serviceProcess.js';
import type { GatewayCredentials } from '../../src/sim/simulatedGateway.js';
import { logTail } from '../../src/stack/logTail.js';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { createTestDatabase, freePorts, kafkaTail, testRedisUrl, testServices, uniqueName, type KafkaTail, type TailRecord, type TestDatabase } from '../../src/testing/index.js';
import { brokenAnomalyEvent, validAnomalyEvent } from './contractArbitraries.js';

const MAX_PACKET_BYTES = 256 * 1024;
// The contract's limit for an AnomalyEvent payload; between it and the packet limit the broker reads it and DLQs it.
const EVENT_MAX_BYTES = anomalyEventCodec.maxBytes;

/** What a payload must become: forwarded to anomaly-events, or a DLQ record that names the field (when the case knows it). */
type Expectation = { forward: true } | { forward: false; field?: string };
interface Case {
  label: string;
  payload: Buffer;
  expect: Expectation;
}

const parsedDlq = new WeakMap<TailRecord, DlqRecord>();
const dlqOf = (record: TailRecord): DlqRecord => {
  if (!parsedDlq.has(record)) parsedDlq.set(record, JSON.parse(record.value.toString()) as DlqRecord);
  return parsedDlq.get(record)!;
};

const namesField = (errors: readonly { field: string }[], field: string): boolean =>
  errors.some((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));

/** [MQTT-3.1] CONNECT of MQTT 3.1.1 with a clean session, user name and password, written by hand so that the bytes after it are ours alone. */
function connectPacket(clientId: string, username: string, password: string): Buffer {
  const field = (text: string) => {
    const bytes = Buffer.from(text);
    return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
  };
  const body = Buffer.concat([field('MQTT'), Buffer.from([4, 0xc2, 0, 30]), field(clientId), field(username), field(password)]);
  const length: number[] = [];
  let rest = body.length;
  do {
    length.push((rest % 128) | (rest >= 128 ? 0x80 : 0));
    rest = Math.floor(rest / 128);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([0x10, ...length]), body]);
}

function closedWithin(client: MqttClient, timeoutMs: number): Promise<boolean> {
  if (!client.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// fast-check drives the real broker process (as `npm start` runs it) with generated payloads and
// packets: arbitrary JSON, AnomalyEvents broken in one field, arbitrary bytes, oversize payloads,
// odd topics, garbage on the wire, at QoS 0, 1 and 2, while a well-behaved gateway publishes.
describe('fuzzing the MQTT boundary (fast-check against the real broker)', function () {
  this.timeout(600_000);
  let database: TestDatabase;
  let dataRoot: string;
  let broker: RunningService;
  let brokerExit: string | undefined;
  let port: number;
  let opsPort: number;
  let tail: KafkaTail;
  let fuzzer: GatewayCredentials;
  let raw: GatewayCredentials;
  let good: GatewayCredentials;
  let goodClient: MqttClient;
  const goodAcknowledged: string[] = [];
  let goodLoop: Promise<void> | undefined;
  let goodRunning = true;
  const validSent = new Set<string>();
  const seed = Number(process.env.GRIDSIGHT_FUZZ_SEED ?? Date.now() % 2 ** 31);

  const connectAs = (credentials: GatewayCredentials) =>
    mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: credentials.gatewayId, username: credentials.gatewayId, password: credentials.password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000 });

  const assertBrokerUp = async () => {
    assert.equal(brokerExit, undefined, `the broker exited: ${brokerExit}`);
    const response = await fetch(`http://127.0.0.1:${opsPort}/health`, { signal: AbortSignal.timeout(5000) });
    assert.equal(response.status, 200, `broker /health answered ${response.status}`);
  };

  before(async () => {
    console.log(`      fast-check seed ${seed} (GRIDSIGHT_FUZZ_SEED=${seed} replays this run)`);
    const { kafkaBrokers } = testServices();
    const admin = new Kafka({ clientId: 'gs-fuzz-mqtt', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await ensureTopics(admin);
    await admin.disconnect();
    database = await createTestDatabase();
    const ids = ['fuzz', 'raw', 'good'].map((role) => uniqueName(`gw-${role}`).replace(/_/g, '-'));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query('INSERT INTO gateways (gateway_id) SELECT unnest($1::text[])', [ids]);
    await db.end();
    [fuzzer, raw, good] = (await issueGatewaySecrets({ postgresUrl: database.url, repoRoot }, ids)) as [GatewayCredentials, GatewayCredentials, GatewayCredentials];
    tail = await kafkaTail(kafkaBrokers, [KAFKA_TOPICS.anomalyEvents, KAFKA_TOPICS.anomalyEventsDlq], { clientIds: new Set(ids) });

    dataRoot = await mkdtemp(join(tmpdir(), 'gs-fuzz-mqtt-'));
    const keys = await ensureDevKeys(dataRoot);
    const [mqttPort, wsPort, brokerOpsPort] = await freePorts(3);
    port = mqttPort!;
    opsPort = brokerOpsPort!;
    broker = await startService(
      {
        name: 'broker',
        script: 'broker/dist/main.js',
        env: {
          GRIDSIGHT_DATABASE_URL: database.url,
          GRIDSIGHT_KAFKA_BROKERS: kafkaBrokers.join(','),
          GRIDSIGHT_REDIS_URL: testRedisUrl(),
          GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE: keys.tokenPublicKeyFile,
          GRIDSIGHT_BROKER_HOST: '127.0.0.1',
          GRIDSIGHT_MQTT_PORT: String(port),
          GRIDSIGHT_MQTT_WS_PORT: String(wsPort),
          GRIDSIGHT_BROKER_OPS_PORT: String(opsPort),
          GRIDSIGHT_MQTT_MAX_PACKET_BYTES: String(MAX_PACKET_BYTES),
          // The fuzzer publishes as fast as the broker answers; throttling is the refusals suite's subject, not this one's.
          GRIDSIGHT_MQTT_RATE_PER_SECOND: '5000',
          GRIDSIGHT_MQTT_RATE_BURST: '5000',
          GRIDSIGHT_LOG_LEVEL: 'warn',
        },
        healthUrl: `http://127.0.0.1:${opsPort}/health`,
      },
      { repoRoot, logDir: join(dataRoot, 'logs') },
    );
    void broker.exited.then((exit) => {
      brokerExit = `code ${exit.code} signal ${exit.signal}`;
    });

    goodClient = await connectAs(good);
    const events = fc.sample(validAnomalyEvent(good.gatewayId), { numRuns: 5000, seed });
    goodLoop = (async () => {
      for (let i = 0; goodRunning; i++) {
        const event = events[i % events.length]!;
        // A fresh id each time: the gateway never repeats an event, and each must arrive.
        const fresh: AnomalyEvent = { ...event, eventId: uuidV7() };
        await goodClient.publishAsync(mqttTopics.gatewayEvents(good.gatewayId), JSON.stringify(fresh), { qos: 1 });
        goodAcknowledged.push(fresh.eventId);
        await sleep(50);
      }
    })();
  });

  after(async function () {
    goodRunning = false;
    await goodLoop?.catch(() => undefined);
    await goodClient?.endAsync().catch(() => undefined);
    const failed = this.test?.parent?.tests.some((t) => t.state === 'failed');
    if (failed && broker) console.error(`--- broker (last lines)\n${await logTail(broker.logFile, { lines: 30 })}`);
    await broker?.stop();
    await tail?.close();
    await database?.drop();
    if (failed) console.error(`broker log kept in ${dataRoot}`);
    else if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  });

  /** The one record this payload must become, checked field by field. */
  const assertLanded = async (c: Case, sentBefore: number): Promise<void> => {
    const base64 = c.payload.toString('base64');
    if (c.expect.forward) {
      const text = c.payload.toString();
      await tail.waitFor((r) => r.topic === KAFKA_TOPICS.anomalyEvents && r.value.toString() === text, sentBefore + 1);
      return;
    }
    const [record] = (await tail.waitFor((r) => r.topic === KAFKA_TOPICS.anomalyEventsDlq && dlqOf(r).payloadBase64 === base64, sentBefore + 1)).slice(-1) as [TailRecord];
    const dlq = dlqOf(record);
    assert.equal(dlq.payloadBytes, c.payload.length, `${c.label}: DLQ payload size`);
    assert.match(dlq.reason.code, /^[A-Z][A-Z0-9_]+$/, `${c.label}: a stable reason code`);
    assert.ok(dlq.reason.message.length > 0 && dlq.reason.errors.length > 0, `${c.label}: the reason explains`);
    for (const error of dlq.reason.errors) assert.ok(error.field.length > 0 && error.reason.length > 0, `${c.label}: every error names a field and a reason`);
    if (c.expect.field !== undefined) {
      assert.ok(namesField(dlq.reason.errors, c.expect.field), `${c.label}: the DLQ reason names ${dlq.reason.errors.map((e) => e.field).join(', ')}, not ${c.expect.field}`);
    }
    assert.equal(record.headers['mqtt-client-id'], fuzzer.gatewayId);
  };

  it('DLQs every invalid payload with a reason naming the field and forwards every valid one, at QoS 0, 1 and 2', async () => {
    const gatewayId = fuzzer.gatewayId;
    const cases: fc.Arbitrary<Case> = fc.oneof(
      { weight: 3, arbitrary: validAnomalyEvent(gatewayId).map((event) => ({ label: 'valid event', payload: Buffer.from(JSON.stringify(event)), expect: { forward: true } as const })) },
      { weight: 4, arbitrary: brokenAnomalyEvent(gatewayId).map(({ payload, field, how }) => ({ label: how, payload: Buffer.from(JSON.stringify(payload)), expect: { forward: false, field } as const })) },
      {
        weight: 1,
        arbitrary: validAnomalyEvent(fc.sample(fc.stringMatching(/^gw-[a-z0-9]{1,20}$/), { numRuns: 1, seed })[0]!).map((event) => ({
          label: 'valid event naming another gateway',
          payload: Buffer.from(JSON.stringify(event)),
          expect: { forward: false, field: 'source.gatewayId' } as const,
        })),
      },
      {
        weight: 2,
        arbitrary: fc.json({ maxDepth: 4 }).map((text) => {
          const value = JSON.parse(text) as unknown;
          // Anything but an object is wrong as a whole; an object is wrong in the fields it lacks or adds.
          const whole = typeof value !== 'object' || value === null || Array.isArray(value);
          return { label: `JSON ${text.slice(0, 60)}`, payload: Buffer.from(text), expect: whole ? ({ forward: false, field: '$' } as const) : ({ forward: false } as const) };
        }),
      },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ label: `${bytes.length} arbitrary bytes`, payload: Buffer.from(bytes), expect: { forward: false } as const })) },
    );
    const client = await connectAs(fuzzer);
    const sent = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(cases, fc.constantFrom<0 | 1 | 2>(0, 1, 2), async (c, qos) => {
          const key = c.payload.toString('base64');
          const before = sent.get(key) ?? 0;
          await client.publishAsync(mqttTopics.gatewayEvents(gatewayId), c.payload, { qos });
          sent.set(key, before + 1);
          if (c.expect.forward) validSent.add(c.payload.toString());
          await assertLanded(c, before);
          assert.ok(client.connected, `${c.label}: the broker kept the connection`);
        }),
        // No shrinking: every step is a round trip through the broker and Kafka, and a case's label already says what was broken.
        { numRuns: 400, seed, endOnFailure: true },
      );
    } finally {
      await client.endAsync(true);
    }
    // No valid payload reached the DLQ, and nothing invalid was forwarded.
    const dlqValid = tail.records.filter((r) => r.topic === KAFKA_TOPICS.anomalyEventsDlq && validSent.has(Buffer.from(dlqOf(r).payloadBase64, 'base64').toString()));
    assert.equal(dlqValid.length, 0, 'no valid payload is refused');
    const forwardedInvalid = tail.records.filter((r) => r.topic === KAFKA_TOPICS.anomalyEvents && r.headers['mqtt-client-id'] === gatewayId && !validSent.has(r.value.toString()));
    assert.equal(forwardedInvalid.length, 0, 'nothing invalid is forwarded');
    await assertBrokerUp();
  });

  it('DLQs a payload over the contract\'s size as too large, and closes a packet over the broker\'s limit before reading it', async () => {
    const gatewayId = fuzzer.gatewayId;
    const client = await connectAs(fuzzer);
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: EVENT_MAX_BYTES + 1, max: MAX_PACKET_BYTES - 1024 }), fc.constantFrom<1 | 2>(1, 2), async (size, qos) => {
          const payload = Buffer.alloc(size, 0x61);
          payload.write(`{"n":${size},"x":"`);
          payload.write('"}', size - 2);
          await client.publishAsync(mqttTopics.gatewayEvents(gatewayId), payload, { qos });
          const [record] = await tail.waitFor((r) => r.topic === KAFKA_TOPICS.anomalyEventsDlq && dlqOf(r).payloadBytes === size);
          const dlq = dlqOf(record!);
          assert.equal(dlq.reason.code, 'CONTRACT_PAYLOAD_TOO_LARGE');
          assert.deepEqual(dlq.reason.errors.map((e) => e.field), ['$']);
        }),
        { numRuns: 6, seed },
      );
    } finally {
      await client.endAsync(true);
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_PACKET_BYTES + 1, max: 3 * MAX_PACKET_BYTES }), async (size) => {
        const oversize = await connectAs(fuzzer);
        const closed = closedWithin(oversize, 10_000);
        oversize.publish(mqttTopics.gatewayEvents(gatewayId), Buffer.alloc(size, 0x20), { qos: 1 });
        assert.ok(await closed, `a ${size}-byte packet closed the connection`);
        await oversize.endAsync(true);
      }),
      { numRuns: 4, seed },
    );
    await sleep(500);
    assert.equal(tail.records.filter((r) => r.value.length > 0 && (r.topic === KAFKA_TOPICS.anomalyEvents ? r.value.length : dlqOf(r).payloadBytes) > MAX_PACKET_BYTES).length, 0);
    await assertBrokerUp();
  });

  it('closes the connection of a publish to any topic but the gateway\'s own, writing nothing for it', async () => {
    const own = new Set([mqttTopics.gatewayEvents(fuzzer.gatewayId), mqttTopics.gatewayTelemetry(fuzzer.gatewayId), mqttTopics.gatewayStatus(fuzzer.gatewayId)]);
    const levels = fc.stringMatching(/^[^/+#]{0,12}$/).filter((level) => !level.includes('\u0000'));
    const topics = fc
      .oneof(
        fc.constantFrom(mqttTopics.gatewayEvents(good.gatewayId), mqttTopics.gatewayCommands(fuzzer.gatewayId), mqttTopics.workerTickets('w-1'), '$SYS/broker/uptime', `v1/gateways/${fuzzer.gatewayId}/events/extra`, `v1/gateways/${fuzzer.gatewayId}`, 'v1/gateways//events'),
        fc.array(levels, { minLength: 1, maxLength: 24 }).map((parts) => parts.join('/')),
        fc.tuple(levels, levels).map(([gw, channel]) => `v1/gateways/${gw}/${channel}`),
        fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }).filter((t) => !/[+#]/.test(t) && !t.includes('\u0000')),
      )
      .filter((topic) => topic.length > 0 && !own.has(topic));
    await fc.assert(
      fc.asyncProperty(topics, fc.constantFrom<0 | 1 | 2>(0, 1, 2), async (topic, qos) => {
        const client = await connectAs(fuzzer);
        const closed = closedWithin(client, 10_000);
        client.publish(topic, JSON.stringify({ topic }), { qos });
        assert.ok(await closed, `a publish to ${JSON.stringify(topic)} closed the connection`);
        await client.endAsync(true);
        assert.equal(tail.records.filter((r) => r.headers['mqtt-topic'] === topic && r.headers['mqtt-client-id'] === fuzzer.gatewayId).length, 0, `nothing was written for ${JSON.stringify(topic)}`);
      }),
      { numRuns: 100, seed },
    );
    const again = await connectAs(fuzzer);
    await again.publishAsync(mqttTopics.gatewayEvents(fuzzer.gatewayId), '{}', { qos: 1 });
    await again.endAsync();
    await assertBrokerUp();
  });

  it('survives arbitrary bytes on the wire, before CONNECT and after it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (afterConnect, bytes) => {
        const socket = tcpConnect(port, '127.0.0.1');
        const closed = new Promise<boolean>((resolve) => {
          socket.once('close', () => resolve(true));
          socket.once('error', () => undefined);
          setTimeout(() => resolve(false), 300);
        });
        socket.write(Buffer.concat([afterConnect ? connectPacket(raw.gatewayId, raw.gatewayId, raw.password) : Buffer.alloc(0), Buffer.from(bytes)]));
        await closed;
        socket.destroy();
        assert.equal(brokerExit, undefined, `the broker exited: ${brokerExit}`);
      }),
      { numRuns: 150, seed },
    );
    await assertBrokerUp();
  });

  it('stays up throughout, and the well-behaved gateway publishing meanwhile lost nothing', async () => {
    goodRunning = false;
    await goodLoop;
    assert.ok(goodAcknowledged.length > 50, `the good gateway published only ${goodAcknowledged.length} events`);
    const arrived = await tail.waitFor((r) => r.topic === KAFKA_TOPICS.anomalyEvents && r.headers['mqtt-client-id'] === good.gatewayId, goodAcknowledged.length);
    const ids = new Set(arrived.map((r) => (JSON.parse(r.value.toString()) as AnomalyEvent).eventId));
    assert.deepEqual(goodAcknowledged.filter((id) => !ids.has(id)), []);
    assert.equal(tail.records.filter((r) => r.topic === KAFKA_TOPICS.anomalyEventsDlq && r.headers['mqtt-client-id'] === good.gatewayId).length, 0);
    await assertBrokerUp();
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    assert.match(metrics, /gridsight_broker_dead_lettered_total\{channel="events"[^}]*\} [1-9]/);
    assert.match(metrics, /gridsight_broker_acl_denials_total\{action="publish",principal="gateway"[^}]*\} [1-9]/);
  });
});
