import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mqtt from 'mqtt';
import { ticketEventCodec, type TicketEvent } from '@gridsight/contracts';
import { createLogger } from '@gridsight/service-kit';
import { freePort, testServices, uniqueName } from '@gridsight/deploy/testing';
import { createWorkerNotifier, type WorkerNotifier } from '../../../src/adapters/mqtt/workerNotifier.js';
import { handleIncidentEvent } from '../../../src/workflows/handleIncidentEvent.js';
import { addWorker, createWorld, openIncident, type World } from '../../support/world.js';

// mosquitto stands in for the project's broker here: an independent MQTT peer that checks the push is plain MQTT 3.1.1 QoS 1.
describe('ticket events pushed to workers over MQTT (real Kafka, mosquitto)', function () {
  this.timeout(90_000);
  const kafka = new Kafka({ clientId: 'gs-mqtt-push-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const topic = uniqueName('gs-push-ticket-events');
  let mosquitto: ChildProcess;
  let url: string;
  let world: World;
  let notifier: WorkerNotifier;

  before(async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'gs-mosquitto-'));
    writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    mosquitto = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    url = `mqtt://127.0.0.1:${port}`;
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await producer.connect();
    world = await createWorld();
    await addWorker(world.pool, 'w-a', 'cell-a');
    for (let i = 0; i < 50; i++) {
      const ok = await mqtt.connectAsync(url, { reconnectPeriod: 0 }).then((c) => c.endAsync().then(() => true), () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await notifier?.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    mosquitto?.kill('SIGTERM');
    await world?.close();
  });

  it("publishes each transition on the assignee's v1/workers/{id}/tickets topic with QoS 1, as the broker's service account", async () => {
    notifier = createWorkerNotifier({ kafka, groupId: uniqueName('gs-push'), ticketEventsTopic: topic, mqttUrl: url, accountId: 'dispatch', secret: 'not-checked-by-mosquitto', instance: 'test', logger: createLogger('dispatch-test', 'silent') });
    await notifier.start();
    const app = await mqtt.connectAsync(url, { clientId: 'worker-app-w-a' });
    const received: TicketEvent[] = [];
    app.on('message', (_topic, payload) => {
      const decoded = ticketEventCodec.decode(payload);
      if (decoded.ok) received.push(decoded.value);
    });
    await app.subscribeAsync('v1/workers/w-a/tickets', { qos: 1 });

    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created' && created.assigneeId === 'w-a');
    const { rows } = await world.pool.query<{ payload: TicketEvent }>("SELECT payload FROM outbox WHERE payload->>'transition' = 'assigned'");
    const assigned = rows[0]!.payload;
    // The notifier's group starts at the end of the topic once it has joined; send until it has.
    const deadline = Date.now() + 60_000;
    while (!received.some((e) => e.eventId === assigned.eventId) && Date.now() < deadline) {
      await producer.send({ topic, messages: [{ key: assigned.ticket.ticketId, value: ticketEventCodec.encode(assigned) }] });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await app.endAsync();
    const event = received.find((e) => e.eventId === assigned.eventId);
    assert.ok(event, 'the worker app received the assignment');
    assert.equal(event.ticket.ticketId, created.ticketId);
    assert.equal(event.transition, 'assigned');
  });
});
