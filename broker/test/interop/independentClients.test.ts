import assert from 'node:assert/strict';
import { geoCellKey, KAFKA_TOPICS, mqttTopics } from '@gridsight/contracts';
import mqtt from 'mqtt';
import { anomalyEvent } from '../support/fixtures.js';
import { kafkaTail, makeTestPki, type KafkaTail, type TestPki } from '@gridsight/deploy/testing';
import { PAHO_PUBLISH, PYTHON, runPeer } from '../support/peers.js';
import { startTestBroker, type TestBroker } from '../support/testBroker.js';

describe('independent MQTT clients publish through the broker into Kafka', function () {
  this.timeout(90_000);
  let broker: TestBroker;
  let tail: KafkaTail;
  let pki: TestPki;

  before(async () => {
    pki = await makeTestPki();
    broker = await startTestBroker({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca } });
    tail = await kafkaTail(broker.kafkaBrokers, [KAFKA_TOPICS.anomalyEvents]);
  });
  after(async () => {
    await tail?.close();
    await broker?.close();
  });

  const expectInKafka = async (event: ReturnType<typeof anomalyEvent>) => {
    const [record] = await tail.waitFor((r) => r.text.includes(event.eventId), 1);
    assert.equal(record?.key, geoCellKey(event.location));
    assert.deepEqual(JSON.parse(record?.text ?? ''), event);
    assert.equal(record?.headers['mqtt-client-id'], event.source.gatewayId);
  };

  it('mosquitto_pub (Debian mosquitto-clients) gets its PUBACK and the event is in anomaly-events', async () => {
    const gateway = await broker.provisionGateway();
    const event = anomalyEvent(gateway.id);
    const result = await runPeer('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.tcpPort), '-V', 'mqttv311', '-i', gateway.id, '-u', gateway.id, '-P', gateway.password, '-q', '1', '-t', mqttTopics.gatewayEvents(gateway.id), '-s'], JSON.stringify(event));
    assert.equal(result.code, 0, result.output);
    await expectInKafka(event);
  });

  it('Python paho-mqtt gets its PUBACK and the event is in anomaly-events', async () => {
    const gateway = await broker.provisionGateway();
    const event = anomalyEvent(gateway.id);
    const result = await runPeer(PYTHON, ['-c', PAHO_PUBLISH, '127.0.0.1', String(broker.tcpPort), gateway.id, gateway.id, gateway.password, mqttTopics.gatewayEvents(gateway.id)], JSON.stringify(event));
    assert.equal(result.code, 0, result.output);
    await expectInKafka(event);
  });

  it('mqtt.js over TCP and over WebSocket on /mqtt', async () => {
    for (const url of [`mqtt://127.0.0.1:${broker.tcpPort}`, `ws://127.0.0.1:${broker.wsPort}/mqtt`]) {
      const gateway = await broker.provisionGateway();
      const event = anomalyEvent(gateway.id);
      const client = await mqtt.connectAsync(url, { clientId: gateway.id, username: gateway.id, password: gateway.password, protocolVersion: 4, reconnectPeriod: 0 });
      try {
        await client.publishAsync(mqttTopics.gatewayEvents(gateway.id), JSON.stringify(event), { qos: 1 });
      } finally {
        await client.endAsync();
      }
      await expectInKafka(event);
    }
  });

  it('mosquitto_pub over TLS, logging in with a client certificate and no password', async () => {
    const gateway = await broker.provisionGateway({ certFingerprint: pki.clientFingerprint });
    const event = anomalyEvent(gateway.id);
    const result = await runPeer(
      'mosquitto_pub',
      ['-h', '127.0.0.1', '-p', String(broker.broker.ports.tls), '--cafile', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile, '-i', gateway.id, '-q', '1', '-t', mqttTopics.gatewayEvents(gateway.id), '-s'],
      JSON.stringify(event),
    );
    assert.equal(result.code, 0, result.output);
    await expectInKafka(event);
  });

  it('answers an MQTT 5 client (mosquitto_pub -V mqttv5), which aedes does not speak, with a refusal and stays up', async () => {
    const gateway = await broker.provisionGateway();
    const result = await runPeer('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.tcpPort), '-V', 'mqttv5', '-i', gateway.id, '-u', gateway.id, '-P', gateway.password, '-q', '1', '-t', mqttTopics.gatewayEvents(gateway.id), '-m', '{}'], undefined, 10_000);
    assert.notEqual(result.code, 0);
    assert.equal(broker.broker.health().healthy, true);
  });

  it('refuses a gateway\'s client certificate presented under another gateway\'s client id', async () => {
    const gateway = await broker.provisionGateway();
    const result = await runPeer(
      'mosquitto_pub',
      ['-h', '127.0.0.1', '-p', String(broker.broker.ports.tls), '--cafile', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile, '-i', gateway.id, '-q', '1', '-t', mqttTopics.gatewayEvents(gateway.id), '-m', '{}'],
    );
    assert.notEqual(result.code, 0);
    assert.match(result.output, /identifier rejected/i);
  });
});
