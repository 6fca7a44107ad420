import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Aedes, type AuthenticateError } from 'aedes';
import { mqttTopics } from '@gridsight/contracts';
import { openEventStore, type EventStore } from '../../src/adapters/eventStore.js';
import { createMqttLink, type MqttLink } from '../../src/adapters/mqttLink.js';

const SERVER_UNAVAILABLE = 3;
const GATEWAY = 'gw-link-test';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

// A real broker (aedes) refusing with "server unavailable", as the Gridsight broker does while its
// identity store is unreachable: the gateway's link must keep reconnecting and then deliver its backlog.
describe('mqtt link refused by the broker for a while', function () {
  this.timeout(60_000);
  let aedes: Aedes;
  let server: Server;
  let dir: string;
  let store: EventStore;
  let link: MqttLink | undefined;
  let refusalsLeft = 0;
  const received: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-link-'));
    store = openEventStore({ path: join(dir, 'events.db'), maxBytes: 1e6 });
    aedes = await Aedes.createBroker({
      authenticate: (_client, _username, _password, done) => {
        if (refusalsLeft > 0) {
          refusalsLeft--;
          done(Object.assign(new Error('identity store unavailable'), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false);
          return;
        }
        done(null, true);
      },
    });
    aedes.on('publish', (packet, client) => {
      if (client && packet.topic === mqttTopics.gatewayEvents(GATEWAY)) received.push(packet.payload.toString());
    });
    server = createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await link?.close({ schema: 'gateway-status/v1', gatewayId: GATEWAY, state: 'offline', at: new Date().toISOString(), agentVersion: 'test' });
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps reconnecting through refusals and sends what was stored meanwhile', async () => {
    refusalsLeft = 3;
    const changes: string[] = [];
    link = createMqttLink(
      {
        url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
        gatewayId: GATEWAY,
        rejectUnauthorized: true,
        reconnectMs: 100,
        maxPublishPerSecond: 100,
        maxInFlight: 1,
      },
      store,
      { schema: 'gateway-status/v1', gatewayId: GATEWAY, state: 'offline', at: new Date().toISOString(), agentVersion: 'test' },
      { onConnectionChange: (connected, error) => changes.push(error ? `refused: ${error.message}` : connected ? 'connected' : 'closed') },
    );
    store.append(mqttTopics.gatewayEvents(GATEWAY), Buffer.from('stored while refused'));
    link.notify();
    await until(() => received.includes('stored while refused'), 'the stored event arrives');
    assert.equal(changes.filter((change) => change.startsWith('refused: Connection refused: Server unavailable')).length, 3);
    await until(() => store.stats().messages === 0, 'the acknowledged event leaves the store');
  });
});
