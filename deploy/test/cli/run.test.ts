import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runScript = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'run.js');

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runScript], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

// The start command a user types, failing the ways a newcomer's machine fails.
describe('npm start (deploy/dist/cli/run.js) refusing to start', function () {
  this.timeout(60_000);
  let dataDir: string;
  let blocker: Server;
  let takenPort: number;
  // Every port the start command claims, so that a stack or pipeline already running elsewhere on this machine cannot change the outcome.
  const ports = {
    GRIDSIGHT_KAFKA_PORT: '29192',
    GRIDSIGHT_KAFKA_CONTROLLER_PORT: '29193',
    GRIDSIGHT_PG_PORT: '29194',
    GRIDSIGHT_REDIS_PORT: '29195',
    GRIDSIGHT_MQTT_PORT: '29196',
    GRIDSIGHT_MQTT_WS_PORT: '29197',
    GRIDSIGHT_DISPATCH_HTTP_PORT: '29198',
    GRIDSIGHT_BROKER_OPS_PORT: '29199',
    GRIDSIGHT_SP_OPS_PORT: '29200',
    GRIDSIGHT_DISPATCH_OPS_PORT: '29201',
    GRIDSIGHT_EDGE_OPS_PORT: '29202',
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gs-run-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    takenPort = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    blocker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says plainly that a port is taken, names the setting, and exits non-zero', async () => {
    const result = await run({ ...process.env, ...ports, GRIDSIGHT_DATA_DIR: dataDir, GRIDSIGHT_KAFKA_PORT: String(takenPort) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`port ${takenPort} on 127.0.0.1 is already in use .*set GRIDSIGHT_KAFKA_PORT`));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('says plainly that Java is missing and exits non-zero, leaving nothing running', async () => {
    const result = await run({ ...process.env, ...ports, GRIDSIGHT_DATA_DIR: dataDir, PATH: '/nonexistent' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Java 17\+ is required to run Kafka: `java` was not found on PATH; install openjdk-17-jre-headless/);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(Number(ports.GRIDSIGHT_PG_PORT), '127.0.0.1', resolve);
    });
    probe.close();
  });

  it('names the variable of an invalid setting', async () => {
    const result = await run({ ...process.env, ...ports, GRIDSIGHT_DATA_DIR: dataDir, GRIDSIGHT_PG_PORT: 'abc' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /GRIDSIGHT_PG_PORT must be a TCP port number from 1 to 65535, not "abc"/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
