import assert from 'node:assert/strict';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { dlqRecordCodec, incidentEventCodec, ticketEventCodec, type DlqRecord } from '@gridsight/contracts';
import { testServices, uniqueName } from '@gridsight/deploy/testing';
import { keyFile, startService, waitFor, type ServiceProcess } from './support/serviceProcess.js';
import { addWorker, auditTrail, createWorld, openIncident, type World } from './support/world.js';

describe('dispatch-service process (real Kafka and PostgreSQL)', function () {
  this.timeout(180_000);
  const kafka = new Kafka({ clientId: 'gs-dispatch-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const incidentsTopic = uniqueName('gs-incidents');
  const ticketEventsTopic = uniqueName('gs-ticket-events');
  const dlqTopic = uniqueName('gs-dlq');
  const consumers: Consumer[] = [];
  const services: ServiceProcess[] = [];
  let world: World;
  let env: Record<string, string>;

  before(async () => {
    world = await createWorld();
    await addWorker(world.pool, 'w-a', 'cell-a');
    await admin.connect();
    await admin.createTopics({ topics: [incidentsTopic, ticketEventsTopic, dlqTopic].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })), waitForLeaders: true });
    await producer.connect();
    env = {
      GRIDSIGHT_DATABASE_URL: world.db.url,
      GRIDSIGHT_KAFKA_BROKERS: testServices().kafkaBrokers.join(','),
      GRIDSIGHT_DISPATCH_INCIDENTS_TOPIC: incidentsTopic,
      GRIDSIGHT_DISPATCH_TICKET_EVENTS_TOPIC: ticketEventsTopic,
      GRIDSIGHT_DISPATCH_DLQ_TOPIC: dlqTopic,
      GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: keyFile(),
      GRIDSIGHT_DISPATCH_HTTP_PORT: '0',
      GRIDSIGHT_DISPATCH_OPS_PORT: '0',
      GRIDSIGHT_DISPATCH_TIMER_INTERVAL_MS: '200',
      // Short enough to pass during a test, long enough for a loaded machine to kill the service first: accept within 15 s.
      GRIDSIGHT_DISPATCH_SLA: JSON.stringify({ manhole_open: { acceptWithinMinutes: 0.25, resolveWithinMinutes: 5 } }),
    };
  });
  beforeEach(() => {
    // A fresh group per test: a member killed by the previous test would hold its partitions until its session times out.
    env.GRIDSIGHT_DISPATCH_KAFKA_GROUP = uniqueName('gs-dispatch');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const s of services) console.error(`--- service output ---\n${s.output().slice(-4000)}`);
    await Promise.all(services.splice(0).map((s) => s.kill()));
  });
  after(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await producer.disconnect();
    await admin.deleteTopics({ topics: [incidentsTopic, ticketEventsTopic, dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
    await world?.close();
  });

  const publish = async (event: Awaited<ReturnType<typeof openIncident>>) =>
    producer.send({ topic: incidentsTopic, acks: -1, messages: [{ key: event.incident.incidentId, value: incidentEventCodec.encode(event) }] });
  const ticketOf = async (incidentId: string) => (await world.pool.query('SELECT * FROM tickets WHERE incident_id = $1', [incidentId])).rows[0];

  it('turns an incident event from Kafka into one assigned ticket, ignores replays and garbage, and announces transitions on Kafka', async () => {
    services.push(startService(env));
    const opened = await openIncident(world.pool, { kind: 'garbage_pile' });
    await producer.send({ topic: incidentsTopic, messages: [{ key: 'junk', value: '{"schema":"incident/v1","oops":true}' }] });
    await publish(opened);
    await publish(opened);
    const ticket = await waitFor('the ticket', async () => ticketOf(opened.incident.incidentId));
    await waitFor('the assignment', async () => (await ticketOf(opened.incident.incidentId)).status === 'assigned');

    const consumer = kafka.consumer({ groupId: uniqueName('gs-ticket-reader') });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [ticketEventsTopic, dlqTopic], fromBeginning: true });
    const seen: string[] = [];
    const deadLetters: DlqRecord[] = [];
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (topic === dlqTopic) {
          const record = dlqRecordCodec.decode(message.value!);
          assert.ok(record.ok);
          deadLetters.push(record.value);
          return;
        }
        const decoded = ticketEventCodec.decode(message.value!);
        assert.ok(decoded.ok, 'the relay publishes valid TicketEvents');
        if (decoded.value.ticket.ticketId === ticket.ticket_id) seen.push(decoded.value.transition);
      },
    });
    await waitFor('created and assigned on ticket-events', async () => seen.length >= 2);
    assert.deepEqual(seen, ['created', 'assigned']);
    const { rows } = await world.pool.query('SELECT count(*)::int AS n FROM tickets WHERE incident_id = $1', [opened.incident.incidentId]);
    assert.equal(rows[0].n, 1, 'the replay created no second ticket');
    assert.ok(services[0]!.output().includes('skipping a malformed incident event'), services[0]!.output());
    await waitFor('the malformed event in the DLQ', async () => deadLetters.length >= 1);
    assert.equal(deadLetters[0]!.origin.component, 'dispatch-service');
    assert.equal(deadLetters[0]!.origin.channel, incidentsTopic);
    assert.match(deadLetters[0]!.reason.message, /IncidentEvent: .*oops/);
    assert.equal(Buffer.from(deadLetters[0]!.payloadBase64, 'base64').toString(), '{"schema":"incident/v1","oops":true}');
    assert.equal(await services.splice(0, 1)[0]!.stop(), 0, 'SIGTERM stops it cleanly');
  });

  it('honours a deadline that passed while the service was down, exactly once across two restarted instances', async () => {
    const group = env.GRIDSIGHT_DISPATCH_KAFKA_GROUP!;
    const first = startService(env);
    services.push(first);
    const opened = await openIncident(world.pool);
    await publish(opened);
    const ticket = await waitFor('the assigned ticket', async () => {
      const row = await ticketOf(opened.incident.incidentId);
      return row?.status === 'assigned' ? row : undefined;
    });
    await first.kill();
    services.splice(0);

    await waitFor('the accept deadline to pass while nothing runs', async () => Date.now() > new Date(ticket.accept_by).getTime() + 500, 40_000);
    assert.deepEqual(await auditTrail(world.pool, ticket.ticket_id), ['created:new:system', 'assigned:assigned:system'], 'nothing fired while the service was down');

    // The same group as before the crash: the restarted instances resume from its committed offsets.
    services.push(startService({ ...env, GRIDSIGHT_DISPATCH_KAFKA_GROUP: group }), startService({ ...env, GRIDSIGHT_DISPATCH_KAFKA_GROUP: group }));
    // Two cold starts at once on a loaded 2-core machine can take most of a minute.
    await waitFor('the escalation after the restart', async () => (await auditTrail(world.pool, ticket.ticket_id)).some((e) => e.startsWith('escalated')), 90_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const trail = await auditTrail(world.pool, ticket.ticket_id);
    assert.equal(trail.filter((e) => e.startsWith('escalated')).length, 1, trail.join(', '));
    const { rows } = await world.pool.query('SELECT escalated, escalated_to FROM tickets WHERE ticket_id = $1', [ticket.ticket_id]);
    assert.deepEqual(rows[0], { escalated: true, escalated_to: 's-1' });
  });

  it('dead-letters an incident event it can never apply after bounded retries, and goes on with the events behind it', async () => {
    services.push(startService({ ...env, GRIDSIGHT_DISPATCH_INCIDENT_MAX_ATTEMPTS: '3', GRIDSIGHT_DISPATCH_INCIDENT_RETRY_MS: '200' }));
    // Valid on the wire, but its incident row is missing: the ticket's foreign key can never be satisfied.
    const poison = await openIncident(world.pool, { kind: 'garbage_pile' });
    await world.pool.query('DELETE FROM incidents WHERE incident_id = $1', [poison.incident.incidentId]);
    const good = await openIncident(world.pool, { kind: 'garbage_pile' });
    // One key for both: the same partition, so the good event waits behind the poison one.
    const key = poison.incident.incidentId;
    const poisonBytes = incidentEventCodec.encode(poison);
    await producer.send({ topic: incidentsTopic, acks: -1, messages: [{ key, value: poisonBytes }, { key, value: incidentEventCodec.encode(good) }] });

    const consumer = kafka.consumer({ groupId: uniqueName('gs-dlq-reader') });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    const deadLetters: DlqRecord[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const record = dlqRecordCodec.decode(message.value!);
        assert.ok(record.ok);
        deadLetters.push(record.value);
      },
    });
    const ticket = await waitFor('the ticket of the event behind the poison one', async () => ticketOf(good.incident.incidentId), 60_000);
    assert.equal(ticket.status, 'assigned');
    const dead = await waitFor('the poison event in the DLQ', async () => deadLetters.find((r) => r.reason.code === 'DSP_MISSING_REFERENCE'));
    assert.match(dead.reason.message, new RegExp(`incident ${poison.incident.incidentId} \\(opened\\) failed 3 times: .*not in the database`));
    assert.equal(dead.origin.component, 'dispatch-service');
    assert.equal(dead.origin.channel, incidentsTopic);
    assert.deepEqual(Buffer.from(dead.payloadBase64, 'base64'), Buffer.from(poisonBytes));
    assert.equal(await ticketOf(poison.incident.incidentId), undefined);
    const retries = services[0]!.output().split('\n').filter((line) => line.includes('incident event failed; retrying') && line.includes(poison.incident.incidentId));
    assert.equal(retries.length, 2, 'two retries after the first failure, then the DLQ');
  });
});
