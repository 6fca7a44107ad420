import assert from 'node:assert/strict';
import { KAFKA_TOPICS, mqttTopics, type DlqRecord } from '@gridsight/contracts';
import mqtt from 'mqtt';
import { anomalyEvent } from '../support/fixtures.js';
import { kafkaTail, type KafkaTail } from '@gridsight/deploy/testing';
import { closedWithin, connectGateway, grantedQos, refusalCode } from '../support/mqttClients.js';
import { startTestBroker, type TestBroker } from '../support/testBroker.js';
import { malformedEvents } from './malformedPayloads.js';

// MQTT 3.1.1 CONNACK return codes.
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

describe('the broker refuses bad clients and bad input, and good gateways lose nothing meanwhile', function () {
  this.timeout(120_000);
  let broker: TestBroker;
  let tail: KafkaTail;
  let url: string;

  before(async () => {
    broker = await startTestBroker({
      env: { GRIDSIGHT_MQTT_RATE_PER_SECOND: '100', GRIDSIGHT_MQTT_RATE_BURST: '300', GRIDSIGHT_MQTT_RATE_MAX_DELAY_MS: '1000', GRIDSIGHT_MQTT_MAX_PACKET_BYTES: String(256 * 1024) },
    });
    tail = await kafkaTail(broker.kafkaBrokers, [KAFKA_TOPICS.anomalyEvents, KAFKA_TOPICS.anomalyEventsDlq]);
    url = `mqtt://127.0.0.1:${broker.tcpPort}`;
  });
  after(async () => {
    await tail?.close();
    await broker?.close();
  });

  it('refuses a wrong password and an unknown gateway with "bad username or password"', async () => {
    const gateway = await broker.provisionGateway();
    assert.equal(await refusalCode(url, { clientId: gateway.id, username: gateway.id, password: 'wrong' }), BAD_USERNAME_OR_PASSWORD);
    assert.equal(await refusalCode(url, { clientId: 'gw-nobody', username: 'gw-nobody', password: 'x' }), BAD_USERNAME_OR_PASSWORD);
    assert.equal(await refusalCode(url, { clientId: gateway.id }), BAD_USERNAME_OR_PASSWORD);
  });

  it('refuses a client id that is not the gateway\'s own, so no one can take over another session', async () => {
    const a = await broker.provisionGateway();
    const b = await broker.provisionGateway();
    assert.equal(await refusalCode(url, { clientId: b.id, username: a.id, password: a.password }), IDENTIFIER_REJECTED);
    const token = await broker.token('w-1', 'worker');
    assert.equal(await refusalCode(url, { clientId: a.id, username: 'token', password: token }), IDENTIFIER_REJECTED);
    assert.equal(await refusalCode(url, { clientId: 'token/w-2/phone', username: 'token', password: token }), IDENTIFIER_REJECTED);
  });

  it('disconnects a revoked gateway at once and refuses it from then on', async () => {
    const gateway = await broker.provisionGateway();
    const client = await connectGateway(broker.tcpPort, gateway);
    await broker.sql("UPDATE gateways SET state = 'revoked', revoked_at = now() WHERE gateway_id = $1", [gateway.id]);
    await closedWithin(client, 5000);
    await client.endAsync(true);
    assert.equal(await refusalCode(url, { clientId: gateway.id, username: gateway.id, password: gateway.password }), BAD_USERNAME_OR_PASSWORD);
  });

  it('disconnects gateway A publishing as gateway B, without PUBACK, and writes nothing for B', async () => {
    const a = await broker.provisionGateway();
    const b = await broker.provisionGateway();
    const client = await connectGateway(broker.tcpPort, a);
    const event = anomalyEvent(b.id);
    const closed = closedWithin(client, 5000);
    const acked = client.publishAsync(mqttTopics.gatewayEvents(b.id), JSON.stringify(event), { qos: 1 }).then(() => true, () => false);
    await closed;
    await client.endAsync(true);
    assert.equal(await acked, false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(tail.records.filter((r) => r.text.includes(event.eventId)).length, 0);
  });

  it('answers SUBACK 0x80 to # and $SYS from a gateway or a worker, and keeps the connection', async () => {
    const gateway = await broker.provisionGateway();
    const client = await connectGateway(broker.tcpPort, gateway);
    assert.deepEqual(await grantedQos(client, ['#', '$SYS/#', 'v1/gateways/+/commands', mqttTopics.gatewayCommands(gateway.id)], 1), [128, 128, 128, 1]);
    assert.ok(client.connected);
    await client.endAsync();
    const worker = await mqtt.connectAsync(url, { clientId: 'token/w-5/phone', username: 'token', password: await broker.token('w-5', 'worker'), protocolVersion: 4, reconnectPeriod: 0 });
    assert.deepEqual(await grantedQos(worker, ['#', 'v1/workers/w-6/tickets', 'v1/workers/w-5/tickets'], 1), [128, 128, 1]);
    assert.ok(worker.connected);
    await worker.endAsync();
    const ops = await mqtt.connectAsync(url, { clientId: 'token/o-1/console', username: 'token', password: await broker.token('o-1', 'ops'), protocolVersion: 4, reconnectPeriod: 0 });
    assert.deepEqual(await grantedQos(ops, ['#', '$SYS/#'], 0), [0, 0]);
    await ops.endAsync();
  });

  it('refuses expired and foreign-signed tokens', async () => {
    assert.equal(await refusalCode(url, { clientId: 'token/w-1/x', username: 'token', password: await broker.token('w-1', 'worker', -60) }), BAD_USERNAME_OR_PASSWORD);
    const forged = (await broker.token('w-1', 'worker')).replace(/\.[^.]+$/, '.AAAA');
    assert.equal(await refusalCode(url, { clientId: 'token/w-1/x', username: 'token', password: forged }), BAD_USERNAME_OR_PASSWORD);
  });

  it('refuses a token dispatch revoked, one it never recorded, and one of a deactivated or re-roled person', async () => {
    const connects = (token: string, clientId: string) => refusalCode(url, { clientId, username: 'token', password: token });
    const signedOut = await broker.token('w-7', 'worker');
    await broker.sql("UPDATE access_tokens SET revoked_at = now(), revoked_by = 'w-7' WHERE worker_id = 'w-7'");
    assert.equal(await connects(signedOut, 'token/w-7/phone'), BAD_USERNAME_OR_PASSWORD);
    assert.equal(await connects(await broker.token('w-8', 'worker', 3600, false), 'token/w-8/phone'), BAD_USERNAME_OR_PASSWORD);
    const deactivated = await broker.token('w-9', 'worker');
    await broker.sql("UPDATE workers SET active = false WHERE worker_id = 'w-9'");
    assert.equal(await connects(deactivated, 'token/w-9/phone'), BAD_USERNAME_OR_PASSWORD);
    const promoted = await broker.token('w-10', 'worker');
    await broker.sql("UPDATE workers SET role = 'supervisor' WHERE worker_id = 'w-10'");
    assert.equal(await connects(promoted, 'token/w-10/phone'), BAD_USERNAME_OR_PASSWORD);
    const live = await broker.token('w-11', 'worker');
    const client = await mqtt.connectAsync(url, { clientId: 'token/w-11/phone', username: 'token', password: live, protocolVersion: 4, reconnectPeriod: 0 });
    await client.endAsync();
  });

  it('closes a token session when its token expires', async () => {
    const client = await mqtt.connectAsync(url, { clientId: 'token/w-3/phone', username: 'token', password: await broker.token('w-3', 'worker', 2), protocolVersion: 4, reconnectPeriod: 0 });
    await closedWithin(client, 10_000);
    await client.endAsync(true);
  });

  it('closes the connection of a packet over the size limit before buffering it, and stays up', async () => {
    const gateway = await broker.provisionGateway();
    const client = await connectGateway(broker.tcpPort, gateway);
    const closed = closedWithin(client, 5000);
    client.publish(mqttTopics.gatewayEvents(gateway.id), Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
    await closed;
    await client.endAsync(true);
    const again = await connectGateway(broker.tcpPort, gateway);
    await again.publishAsync(mqttTopics.gatewayEvents(gateway.id), JSON.stringify(anomalyEvent(gateway.id)), { qos: 1 });
    await again.endAsync();
  });

  it('slows a client a little over its rate and disconnects a flood', async () => {
    const gateway = await broker.provisionGateway();
    const client = await connectGateway(broker.tcpPort, gateway);
    const closed = closedWithin(client, 15_000);
    const payload = JSON.stringify({ schema: 'telemetry/v1', gatewayId: gateway.id, deviceId: 'd', observedAt: new Date().toISOString(), readings: [{ metric: 'x', value: 1 }] });
    for (let i = 0; i < 3000 && client.connected; i++) client.publish(mqttTopics.gatewayTelemetry(gateway.id), payload, { qos: 0 });
    await closed;
    await client.endAsync(true);
  });

  it('acknowledges 56 malformed payloads and writes each to the DLQ with its reason, while a good gateway publishing at the same time loses nothing', async () => {
    const bad = await broker.provisionGateway();
    const good = await broker.provisionGateway();
    const cases = malformedEvents(bad.id);
    assert.ok(cases.length >= 50);
    const goodEvents = Array.from({ length: 200 }, () => anomalyEvent(good.id));
    const goodClient = await connectGateway(broker.tcpPort, good);
    const badClient = await connectGateway(broker.tcpPort, bad);
    const goodRun = (async () => {
      for (const event of goodEvents) await goodClient.publishAsync(mqttTopics.gatewayEvents(good.id), JSON.stringify(event), { qos: 1 });
    })();
    for (const c of cases) await badClient.publishAsync(mqttTopics.gatewayEvents(bad.id), c.payload, { qos: 1 });
    await goodRun;
    assert.ok(badClient.connected && goodClient.connected);
    await Promise.all([badClient.endAsync(), goodClient.endAsync()]);

    const dlq = await tail.waitFor((r) => r.topic === KAFKA_TOPICS.anomalyEventsDlq && r.headers['mqtt-client-id'] === bad.id, cases.length);
    const records = dlq.map((r) => JSON.parse(r.text) as DlqRecord);
    const problems: string[] = [];
    for (const c of cases) {
      const match = records.find((r) => r.payloadBase64 === c.payload.subarray(0, r.payloadBytes).toString('base64') && r.payloadBytes === c.payload.length);
      if (!match) problems.push(`${c.name}: not in the DLQ`);
      else if (match.reason.code !== c.code) problems.push(`${c.name}: code ${match.reason.code}, expected ${c.code}`);
      else if (!match.reason.errors.some((e) => e.field === c.field)) problems.push(`${c.name}: fields ${match.reason.errors.map((e) => e.field).join(', ')}, expected ${c.field}`);
    }
    assert.deepEqual(problems, []);
    const delivered = await tail.waitFor((r) => r.topic === KAFKA_TOPICS.anomalyEvents && r.headers['mqtt-client-id'] === good.id, goodEvents.length);
    assert.deepEqual(new Set(delivered.map((r) => JSON.parse(r.text).eventId)), new Set(goodEvents.map((e) => e.eventId)));
    assert.equal(tail.records.filter((r) => r.topic === KAFKA_TOPICS.anomalyEvents && r.headers['mqtt-client-id'] === bad.id).length, 0);
  });

  it('is still healthy after all of it, and has counted every kind of refusal', async () => {
    assert.equal(broker.broker.health().healthy, true);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.broker.ports.ops}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? 0);
    assert.ok(value(/gridsight_broker_auth_failures_total\{code="BROKER_AUTH_FAILED"[^}]*\} (\d+)/) >= 4);
    assert.ok(value(/gridsight_broker_auth_failures_total\{code="BROKER_CLIENT_ID_MISMATCH"[^}]*\} (\d+)/) >= 3);
    assert.ok(value(/gridsight_broker_acl_denials_total\{action="publish",principal="gateway"[^}]*\} (\d+)/) >= 1);
    assert.ok(value(/gridsight_broker_acl_denials_total\{action="subscribe",principal="gateway"[^}]*\} (\d+)/) >= 3);
    assert.ok(value(/gridsight_broker_oversize_packets_total\{[^}]*\} (\d+)/) >= 1);
    assert.ok(value(/gridsight_broker_rate_limited_total\{outcome="disconnected"[^}]*\} (\d+)/) >= 1);
    assert.ok(value(/gridsight_broker_dead_lettered_total\{channel="events"[^}]*\} (\d+)/) >= 56);
  });
});
