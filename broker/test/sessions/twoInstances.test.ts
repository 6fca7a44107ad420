import assert from 'node:assert/strict';
import { KAFKA_TOPICS, mqttTopics } from '@gridsight/contracts';
import mqtt from 'mqtt';
import { anomalyEvent } from '../support/fixtures.js';
import { kafkaTail, type KafkaTail } from '@gridsight/deploy/testing';
import { connectGateway } from '../support/mqttClients.js';
import { startTestBroker, type TestBroker } from '../support/testBroker.js';

describe('two broker instances sharing Redis (GRIDSIGHT_MQTT_EMITTER=redis)', function () {
  this.timeout(90_000);
  let a: TestBroker;
  let b: TestBroker;
  let tail: KafkaTail;

  before(async () => {
    a = await startTestBroker({ env: { GRIDSIGHT_MQTT_EMITTER: 'redis' } });
    b = await startTestBroker({ env: { GRIDSIGHT_MQTT_EMITTER: 'redis' }, sameClusterAs: a });
    tail = await kafkaTail(a.kafkaBrokers, [KAFKA_TOPICS.anomalyEvents]);
  });
  after(async () => {
    await tail?.close();
    await b?.close();
    await a?.close();
  });

  it('delivers a ticket published on one instance to a worker connected to the other', async () => {
    const workerId = `w-${Date.now().toString(36)}`;
    const worker = await mqtt.connectAsync(`mqtt://127.0.0.1:${a.tcpPort}`, { clientId: `token/${workerId}/phone`, username: 'token', password: await a.token(workerId, 'worker'), protocolVersion: 4, reconnectPeriod: 0 });
    const received = new Promise<string>((resolve) => worker.once('message', (_topic, payload) => resolve(payload.toString())));
    await worker.subscribeAsync(mqttTopics.workerTickets(workerId), { qos: 1 });
    const service = await a.provisionService();
    const dispatch = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.tcpPort}`, { clientId: `service/${service.id}/2`, username: `service:${service.id}`, password: service.password, protocolVersion: 4, reconnectPeriod: 0 });
    await dispatch.publishAsync(mqttTopics.workerTickets(workerId), JSON.stringify({ ticketId: 't-2' }), { qos: 1 });
    await dispatch.endAsync();
    assert.equal(JSON.parse(await received).ticketId, 't-2');
    await worker.endAsync();
  });

  it('bridges each instance\'s gateways into Kafka once', async () => {
    const gateway = await a.provisionGateway();
    const events = [anomalyEvent(gateway.id), anomalyEvent(gateway.id)];
    for (const [i, broker] of [a, b].entries()) {
      const client = await connectGateway(broker.tcpPort, gateway);
      await client.publishAsync(mqttTopics.gatewayEvents(gateway.id), JSON.stringify(events[i]), { qos: 1 });
      await client.endAsync();
    }
    const records = await tail.waitFor((r) => r.headers['mqtt-client-id'] === gateway.id, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(tail.records.filter((r) => r.headers['mqtt-client-id'] === gateway.id).length, 2);
    assert.deepEqual(new Set(records.map((r) => JSON.parse(r.text).eventId)), new Set(events.map((e) => e.eventId)));
  });
});
