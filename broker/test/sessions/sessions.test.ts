import assert from 'node:assert/strict';
import { gatewayStatusRecordCodec, KAFKA_TOPICS, mqttTopics } from '@gridsight/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { gatewayStatus } from '../support/fixtures.js';
import { kafkaTail, type KafkaTail } from '@gridsight/deploy/testing';
import { closedWithin, connectGateway } from '../support/mqttClients.js';
import { startTestBroker, type TestBroker } from '../support/testBroker.js';

function nextMessage(client: MqttClient, timeoutMs = 10_000): Promise<{ topic: string; payload: string; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
    client.once('message', (topic, payload, packet) => {
      clearTimeout(timer);
      resolve({ topic, payload: payload.toString(), retain: packet.retain });
    });
  });
}

describe('sessions, service accounts, status and Last Will', function () {
  this.timeout(90_000);
  let broker: TestBroker;
  let tail: KafkaTail;
  let url: string;

  before(async () => {
    broker = await startTestBroker();
    tail = await kafkaTail(broker.kafkaBrokers, [KAFKA_TOPICS.gatewayStatus]);
    url = `mqtt://127.0.0.1:${broker.tcpPort}`;
  });
  after(async () => {
    await tail?.close();
    await broker?.close();
  });

  it('delivers a ticket published by the dispatch service account to a worker whose QoS 1 session outlived a broker restart', async () => {
    const workerId = `w-${Date.now().toString(36)}`;
    const clientId = `token/${workerId}/phone`;
    const topic = mqttTopics.workerTickets(workerId);
    const connectWorker = async () =>
      mqtt.connectAsync(url, { clientId, username: 'token', password: await broker.token(workerId, 'worker'), clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    const worker = await connectWorker();
    await worker.subscribeAsync(topic, { qos: 1 });
    await worker.endAsync();

    const service = await broker.provisionService();
    const dispatch = await mqtt.connectAsync(url, { clientId: `service/${service.id}/1`, username: `service:${service.id}`, password: service.password, protocolVersion: 4, reconnectPeriod: 0 });
    await dispatch.publishAsync(topic, JSON.stringify({ ticketId: 't-1', note: 'while you were offline' }), { qos: 1 });
    await dispatch.endAsync();

    await broker.restart();

    const back = await connectWorker();
    try {
      const message = await nextMessage(back);
      assert.equal(message.topic, topic);
      assert.equal(JSON.parse(message.payload).ticketId, 't-1');
    } finally {
      await back.endAsync();
    }
    // A clean session wipes the stored one, so test runs leave nothing behind in the shared Redis.
    const wipe = await mqtt.connectAsync(url, { clientId, username: 'token', password: await broker.token(workerId, 'worker'), clean: true, protocolVersion: 4, reconnectPeriod: 0 });
    await wipe.endAsync();
  });

  it('disconnects a service account publishing gateway events, and a worker publishing tickets', async () => {
    const service = await broker.provisionService();
    const dispatch = await mqtt.connectAsync(url, { clientId: `service/${service.id}/1`, username: `service:${service.id}`, password: service.password, protocolVersion: 4, reconnectPeriod: 0 });
    const dispatchClosed = closedWithin(dispatch, 5000);
    dispatch.publish(mqttTopics.gatewayEvents('gw-x'), '{}', { qos: 1 });
    await dispatchClosed;
    await dispatch.endAsync(true);
    const worker = await mqtt.connectAsync(url, { clientId: 'token/w-9/phone', username: 'token', password: await broker.token('w-9', 'worker'), protocolVersion: 4, reconnectPeriod: 0 });
    const workerClosed = closedWithin(worker, 5000);
    worker.publish(mqttTopics.workerTickets('w-9'), '{}', { qos: 1 });
    await workerClosed;
    await worker.endAsync(true);
  });

  it('writes a gateway\'s retained status and, when its connection drops, its Last Will to gateway-status', async () => {
    const gateway = await broker.provisionGateway();
    const statusTopic = mqttTopics.gatewayStatus(gateway.id);
    const client = await connectGateway(broker.tcpPort, gateway, {
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify(gatewayStatus(gateway.id, 'offline'))), qos: 1, retain: true },
    });
    await client.publishAsync(statusTopic, JSON.stringify(gatewayStatus(gateway.id, 'online')), { qos: 1, retain: true });
    client.stream.destroy();
    await client.endAsync(true);

    const records = await tail.waitFor((r) => r.key === gateway.id, 2);
    const states = records.map((r) => {
      const decoded = gatewayStatusRecordCodec.decode(r.value);
      assert.ok(decoded.ok);
      return decoded.value.status.state;
    });
    assert.deepEqual(states, ['online', 'offline']);

    const ops = await mqtt.connectAsync(url, { clientId: 'token/o-2/console', username: 'token', password: await broker.token('o-2', 'ops'), protocolVersion: 4, reconnectPeriod: 0 });
    const retained = nextMessage(ops);
    await ops.subscribeAsync(statusTopic, { qos: 1 });
    const message = await retained;
    assert.equal(message.retain, true);
    assert.equal(JSON.parse(message.payload).state, 'offline');
    await ops.endAsync();
  });
});
