import assert from 'node:assert/strict';
import { mqttTopics } from '@gridsight/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { closedWithin, refusalCode } from '../support/mqttClients.js';
import { startTestBroker, type TestBroker } from '../support/testBroker.js';

const BAD_USERNAME_OR_PASSWORD = 4;
const CLOSE_WITHIN_MS = 5000;

/** The `jti` claim of a token, as dispatch-service records it in access_tokens. */
function tokenId(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as { jti: string };
  return payload.jti;
}

describe('the broker closes open worker-app sessions when dispatch stops honouring their token', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let url: string;
  const clients: MqttClient[] = [];

  const connectApp = async (userId: string, device: string, token: string): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(url, { clientId: `token/${userId}/${device}`, username: 'token', password: token, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000 });
    clients.push(client);
    await client.subscribeAsync(mqttTopics.workerTickets(userId), { qos: 1 });
    return client;
  };

  /** Still connected: the broker answers a subscription. */
  const stillOpen = async (client: MqttClient, userId: string): Promise<void> => {
    assert.equal(client.connected, true);
    await client.subscribeAsync(mqttTopics.workerTickets(userId), { qos: 0 });
  };

  before(async () => {
    broker = await startTestBroker();
    url = `mqtt://127.0.0.1:${broker.tcpPort}`;
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await broker?.close();
  });

  it('closes the session holding a token within seconds of its revocation, and only that one', async () => {
    const phoneToken = await broker.token('w-rev-1', 'worker');
    const tabletToken = await broker.token('w-rev-1', 'worker');
    const phone = await connectApp('w-rev-1', 'phone', phoneToken);
    const tablet = await connectApp('w-rev-1', 'tablet', tabletToken);
    const closed = closedWithin(phone, CLOSE_WITHIN_MS);
    await broker.sql("UPDATE access_tokens SET revoked_at = now(), revoked_by = 'w-rev-1' WHERE jti = $1", [tokenId(phoneToken)]);
    await closed;
    await stillOpen(tablet, 'w-rev-1');
    assert.equal(await refusalCode(url, { clientId: 'token/w-rev-1/phone', username: 'token', password: phoneToken }), BAD_USERNAME_OR_PASSWORD);
  });

  it('closes every session of a person who is deactivated or given another role', async () => {
    const deactivated = await connectApp('w-rev-2', 'phone', await broker.token('w-rev-2', 'worker'));
    const promoted = await connectApp('w-rev-3', 'phone', await broker.token('w-rev-3', 'worker'));
    const bystander = await connectApp('w-rev-4', 'phone', await broker.token('w-rev-4', 'worker'));
    const bothClosed = Promise.all([closedWithin(deactivated, CLOSE_WITHIN_MS), closedWithin(promoted, CLOSE_WITHIN_MS)]);
    await broker.sql("UPDATE workers SET active = false WHERE worker_id = 'w-rev-2'");
    await broker.sql("UPDATE workers SET role = 'supervisor' WHERE worker_id = 'w-rev-3'");
    await bothClosed;
    await stillOpen(bystander, 'w-rev-4');
  });

  it('closes a session whose token is revoked while the credential-change feed is down', async () => {
    const token = await broker.token('w-rev-5', 'worker');
    const client = await connectApp('w-rev-5', 'phone', token);
    const listenerPids = async (): Promise<number[]> =>
      (await broker.sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN mqtt_identity_changed'")).rows.map((row: { pid: number }) => row.pid);
    const [pid] = await listenerPids();
    assert.ok(pid, 'the broker listens for credential changes');
    await broker.sql('SELECT pg_terminate_backend($1)', [pid]);
    for (const until = Date.now() + 5000; (await listenerPids()).length > 0; ) {
      assert.ok(Date.now() < until, 'the terminated LISTEN connection is gone');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const closed = closedWithin(client, CLOSE_WITHIN_MS);
    await broker.sql("UPDATE access_tokens SET revoked_at = now(), revoked_by = 'admin' WHERE jti = $1", [tokenId(token)]);
    await closed;
  });
});
