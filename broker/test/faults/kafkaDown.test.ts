import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAFKA_TOPICS, mqttTopics } from '@gridsight/contracts';
import { startKafka, type KafkaServer } from '@gridsight/deploy';
import type { MqttClient } from 'mqtt';
import { freePort, kafkaTail } from '@gridsight/deploy/testing';
import { anomalyEvent } from '../support/fixtures.js';
import { connectGateway } from '../support/mqttClients.js';
import { startTestBroker, type TestBroker } from '../support/testBroker.js';

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Kafka is stopped and started here, so this suite runs a Kafka of its own: the shared one stays up.
describe('when Kafka goes down', function () {
  this.timeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-kafka-down-'));
  let kafka: KafkaServer | undefined;
  let ports: { port: number; controllerPort: number };
  let broker: TestBroker;
  let client: MqttClient;
  const MAX_IN_FLIGHT = 40;

  before(async () => {
    ports = { port: await freePort(), controllerPort: await freePort() };
    kafka = await startKafka({ dataDir, ...ports });
    broker = await startTestBroker({
      kafkaBrokers: kafka.brokers,
      env: { GRIDSIGHT_BRIDGE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), GRIDSIGHT_BRIDGE_GIVE_UP_MS: '4000', GRIDSIGHT_BRIDGE_PRODUCERS: '2' },
    });
  });
  after(async () => {
    await client?.endAsync(true);
    await broker?.close();
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends no PUBACK, holds a bounded number of messages, and loses nothing once Kafka is back', async () => {
    const tail = await kafkaTail(kafka?.brokers ?? [], [KAFKA_TOPICS.anomalyEvents]);
    const gateway = await broker.provisionGateway();
    // mqtt.js keeps unacknowledged QoS 1 messages and resends them after a reconnect, as the edge agent does.
    client = await connectGateway(broker.tcpPort, gateway, { reconnectPeriod: 500 });
    const topic = mqttTopics.gatewayEvents(gateway.id);
    const before = Array.from({ length: 30 }, () => anomalyEvent(gateway.id));
    for (const event of before) await client.publishAsync(topic, JSON.stringify(event), { qos: 1 });
    await tail.waitFor((r) => r.headers['mqtt-client-id'] === gateway.id, before.length);
    await tail.close();

    await kafka?.stop();
    kafka = undefined;

    const during = Array.from({ length: 150 }, () => anomalyEvent(gateway.id));
    const acked = new Set<string>();
    for (const event of during) {
      client.publish(topic, JSON.stringify(event), { qos: 1 }, (error) => {
        if (!error) acked.add(event.eventId);
      });
    }
    let maxInFlight = 0;
    const watch = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, broker.broker.health().checks.bridgeInFlight as number);
    }, 20);
    const heapBefore = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 8000));
    assert.equal(acked.size, 0, 'a PUBACK went out while Kafka was down');
    assert.equal(broker.broker.health().healthy, false);
    assert.ok(maxInFlight <= MAX_IN_FLIGHT, `in flight ${maxInFlight} > ${MAX_IN_FLIGHT}`);
    // The broker and the client share this process: all of their growth stays far below a leak's.
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024);

    kafka = await startKafka({ dataDir, ...ports });
    await until(() => acked.size === during.length, 120_000, `all ${during.length} PUBACKs after Kafka came back (got ${acked.size})`);
    clearInterval(watch);
    assert.ok(maxInFlight <= MAX_IN_FLIGHT, `in flight ${maxInFlight} > ${MAX_IN_FLIGHT}`);

    const after = await kafkaTail(kafka.brokers, [KAFKA_TOPICS.anomalyEvents]);
    try {
      // Read the topic from its start: the records written before and after the outage.
      const all = await readAll(kafka.brokers, gateway.id, before.length + during.length);
      const ids = new Set(all);
      for (const event of [...before, ...during]) assert.ok(ids.has(event.eventId), `event ${event.eventId} is missing`);
    } finally {
      await after.close();
    }
    assert.equal(broker.broker.health().healthy, true);
  });
});

async function readAll(brokers: string[], gatewayId: string, expected: number): Promise<string[]> {
  const { Kafka, logLevel } = await import('kafkajs');
  const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `read-all-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [KAFKA_TOPICS.anomalyEvents], fromBeginning: true });
  const ids = new Set<string>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.['mqtt-client-id']?.toString() === gatewayId) ids.add(JSON.parse(message.value?.toString() ?? '{}').eventId);
    },
  });
  try {
    await until(() => ids.size >= expected, 60_000, `${expected} distinct events in Kafka (got ${ids.size})`);
  } finally {
    await consumer.disconnect();
  }
  return [...ids];
}
