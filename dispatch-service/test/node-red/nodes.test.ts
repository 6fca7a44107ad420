import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Kafka, logLevel } from 'kafkajs';
import helper from 'node-red-node-test-helper';
import { incidentEventCodec, ticketEventCodec, type TicketEvent } from '@gridsight/contracts';
import { testServices, uniqueName } from '@gridsight/deploy/testing';
import { handleIncidentEvent } from '../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, PASSWORD, type ApiWorld } from '../support/api.js';
import { openIncident } from '../support/world.js';

const require = createRequire(import.meta.url);
helper.init(require.resolve('node-red'));
const nodes = ['gridsight-dispatch', 'incident-in', 'ticket-event-in', 'ticket-action'].map((name) => require(`../../node-red/${name}.cjs`));

interface FlowNode {
  on(event: string, listener: (value: unknown) => void): void;
  receive(msg: object): void;
}

function nextMessage(node: FlowNode, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
    node.on('input', (msg) => {
      clearTimeout(timer);
      resolve(msg as Record<string, unknown>);
    });
  });
}

describe('Node-RED nodes in a real Node-RED runtime (real Kafka and PostgreSQL)', function () {
  this.timeout(120_000);
  const kafka = new Kafka({ clientId: 'gs-node-red-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const incidentsTopic = uniqueName('gs-nr-incidents');
  const ticketEventsTopic = uniqueName('gs-nr-ticket-events');
  let world: ApiWorld;
  let url: string;

  before(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [incidentsTopic, ticketEventsTopic].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    await producer.connect();
    world = await createApiWorld();
    await world.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => helper.startServer(resolve));
  });
  afterEach(async () => helper.unload());
  after(async () => {
    await new Promise<void>((resolve) => helper.stopServer(resolve));
    await producer.disconnect();
    await admin.deleteTopics({ topics: [incidentsTopic, ticketEventsTopic] }).catch(() => undefined);
    await admin.disconnect();
    await world?.close();
  });

  const config = () => ({ id: 'cfg', type: 'gridsight-dispatch', url, brokers: testServices().kafkaBrokers.join(',') });
  const credentials = { cfg: { username: 's-1', password: PASSWORD } };

  it('"ticket event in" emits only the transitions and priorities asked for, validated against the contract', async () => {
    const flow = [
      config(),
      { id: 'in', type: 'gridsight-ticket-event-in', server: 'cfg', topic: ticketEventsTopic, groupId: uniqueName('nr'), fromBeginning: true, transitions: 'created,escalated', priorities: 'P1', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load(nodes, flow, credentials);
    const received = nextMessage(helper.getNode('out') as FlowNode);

    const p3 = await handleIncidentEvent(world.deps, await openIncident(world.pool, { kind: 'garbage_pile' }));
    const p1 = await handleIncidentEvent(world.deps, await openIncident(world.pool, { kind: 'manhole_open' }));
    assert.ok(p3.kind === 'created' && p1.kind === 'created');
    const { rows } = await world.pool.query<{ payload: TicketEvent }>('SELECT payload FROM outbox ORDER BY id');
    await producer.send({ topic: ticketEventsTopic, messages: [{ value: 'not json' }, ...rows.map((r) => ({ key: r.payload.ticket.ticketId, value: ticketEventCodec.encode(r.payload) }))] });

    const msg = await received;
    assert.equal(msg.topic, 'created');
    assert.equal(msg.ticketId, p1.ticketId);
    assert.equal((msg.payload as TicketEvent).ticket.priority, 'P1');
  });

  it('"incident in" emits incident changes of the kinds asked for', async () => {
    const flow = [
      config(),
      { id: 'in', type: 'gridsight-incident-in', server: 'cfg', topic: incidentsTopic, groupId: uniqueName('nr'), fromBeginning: true, kinds: 'manhole_open', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load(nodes, flow, credentials);
    const received = nextMessage(helper.getNode('out') as FlowNode);
    const garbage = await openIncident(world.pool, { kind: 'garbage_pile' });
    const manhole = await openIncident(world.pool, { kind: 'manhole_open' });
    await producer.send({ topic: incidentsTopic, messages: [garbage, manhole].map((e) => ({ key: e.incident.incidentId, value: incidentEventCodec.encode(e) })) });
    const msg = await received;
    assert.equal(msg.topic, 'opened');
    assert.equal((msg.payload as typeof manhole).incident.incidentId, manhole.incident.incidentId);
  });

  it('"ticket action" acts through the API as the configured supervisor, and raises a refusal for a Catch node', async () => {
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool));
    assert.ok(created.kind === 'created');
    const flow = [config(), { id: 'act', type: 'gridsight-ticket-action', server: 'cfg', action: '', wires: [['out']] }, { id: 'out', type: 'helper' }];
    await helper.load(nodes, flow, credentials);
    const act = helper.getNode('act') as FlowNode;

    const escalated = nextMessage(helper.getNode('out') as FlowNode);
    act.receive({ ticketId: created.ticketId, payload: { action: 'escalate' } });
    const msg = await escalated;
    assert.equal((msg.payload as { escalated: boolean }).escalated, true);

    // done(error) is what a Catch node hears: the runtime reports it through node.error(error, msg).
    const refused = new Promise<unknown[]>((resolve) => act.on('call:error', (call) => resolve((call as { args: unknown[] }).args)));
    act.receive({ ticketId: created.ticketId, payload: { action: 'verify' } });
    const [error] = await refused;
    assert.match(String((error as Error).message ?? error), /verify refused \(409\): an assigned ticket cannot be verified/);
  });

  it('ships an example flow whose nodes are all Gridsight or core nodes and whose wires all lead somewhere', () => {
    const example = require('../../node-red/examples/notify-supervisor-on-p1.json') as Array<{ id: string; type: string; wires?: string[][] }>;
    const known = new Set(['tab', 'gridsight-dispatch', 'gridsight-ticket-event-in', 'gridsight-ticket-action', 'gridsight-incident-in', 'function', 'http request', 'debug']);
    assert.deepEqual(example.filter((n) => !known.has(n.type)), []);
    const ids = new Set(example.map((n) => n.id));
    for (const node of example) for (const target of (node.wires ?? []).flat()) assert.ok(ids.has(target), `${node.id} wires to a missing ${target}`);
    assert.ok(example.some((n) => n.type === 'gridsight-ticket-event-in' && (n as { priorities?: string }).priorities === 'P1'));
  });
});
