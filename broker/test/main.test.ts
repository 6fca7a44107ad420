import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, freePort, testRedisUrl, testServices, type TestDatabase } from '@gridsight/deploy/testing';

const main = join(import.meta.dirname, '..', 'dist', 'main.js');

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('node broker/dist/main.js', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  it('serves /health and /metrics, and stops cleanly with exit 0 on SIGTERM', async () => {
    const ops = await freePort();
    const child = spawn(process.execPath, [main], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GRIDSIGHT_BROKER_HOST: '127.0.0.1',
        GRIDSIGHT_MQTT_PORT: '0',
        GRIDSIGHT_MQTT_WS_PORT: '0',
        GRIDSIGHT_BROKER_OPS_PORT: String(ops),
        GRIDSIGHT_KAFKA_BROKERS: testServices().kafkaBrokers.join(','),
        GRIDSIGHT_DATABASE_URL: db.url,
        GRIDSIGHT_REDIS_URL: testRedisUrl(),
      },
    });
    let logs = '';
    child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const exit = exited(child);
    const deadline = Date.now() + 30_000;
    let health: Response | undefined;
    while (!health?.ok) {
      assert.ok(Date.now() < deadline, `no healthy /health within 30 s; logs:\n${logs}`);
      health = await fetch(`http://127.0.0.1:${ops}/health`).catch(() => undefined);
      if (!health?.ok) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(((await health.json()) as { checks: { kafka: string } }).checks.kafka, 'connected');
    const metrics = await (await fetch(`http://127.0.0.1:${ops}/metrics`)).text();
    assert.match(metrics, /gridsight_broker_acl_denials_total/);
    assert.match(metrics, /gridsight_broker_kafka_batch_seconds_bucket/);
    child.kill('SIGTERM');
    assert.equal(await exit, 0, logs);
    assert.match(logs, /"msg":"stopped"/);
  });

  it('exits 1 with a message naming the variable when the config is bad', async () => {
    const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GRIDSIGHT_MQTT_PORT: 'seventeen' } });
    let logs = '';
    child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    assert.equal(await exited(child), 1);
    assert.match(logs, /GRIDSIGHT_MQTT_PORT/);
  });
});
