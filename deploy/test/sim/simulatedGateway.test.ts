import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { mqttTopics, type AnomalyEvent } from '@gridsight/contracts';
import { sighting, tracksFor } from '../../src/sim/scenario.js';
import { createRandom } from '../../src/seed/random.js';
import { connectSimulatedGateway, type SimulatedGateway } from '../../src/sim/simulatedGateway.js';

const SERVER_UNAVAILABLE = 3;

// A real broker (aedes) that answers "server unavailable" the way the Gridsight broker does while
// its identity store is unreachable: a gateway must keep reconnecting, not give up for good.
describe('a simulated gateway refused with "server unavailable"', function () {
  this.timeout(60_000);
  let aedes: Aedes;
  let server: Server;
  let url: string;
  let refusalsLeft = 0;
  let refused = 0;
  const received: string[] = [];
  let gateway: SimulatedGateway | undefined;

  before(async () => {
    aedes = await Aedes.createBroker({
      authenticate: (_client, _username, _password, done) => {
        if (refusalsLeft > 0) {
          refusalsLeft--;
          refused++;
          done(Object.assign(new Error('identity store unavailable'), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false);
          return;
        }
        done(null, true);
      },
    });
    aedes.on('publish', (packet, client) => {
      if (client && packet.topic === mqttTopics.gatewayEvents('gw-test')) received.push(JSON.parse(packet.payload.toString()).eventId as string);
    });
    server = createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await gateway?.close().catch(() => undefined);
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const event = (): AnomalyEvent => {
    const random = createRandom(3);
    const [track] = tracksFor({ kind: 'garbage_pile', location: { lat: 31.2, lon: 121.4 }, seenBy: [{ type: 'camera', gatewayId: 'gw-test', deviceId: 'cam-1' }] }, random);
    return sighting(track!, 'detected', Date.now(), random);
  };

  it('reconnects after refusals and delivers what was published meanwhile, reporting each refusal', async () => {
    const errors: string[] = [];
    gateway = await connectSimulatedGateway(url, { gatewayId: 'gw-test', password: 'secret' }, (error) => errors.push(error.message));
    refusalsLeft = 2;
    for (const client of Object.values((aedes as unknown as { clients: Record<string, { close(): void }> }).clients)) client.close();
    const sent = event();
    await gateway.publish(sent);
    assert.equal(refused, 2);
    assert.ok(received.includes(sent.eventId), 'the event reached the broker');
    assert.deepEqual(errors, ['Connection refused: Server unavailable', 'Connection refused: Server unavailable']);
  });
});
