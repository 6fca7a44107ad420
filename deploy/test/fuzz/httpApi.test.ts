import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { ensureDevKeys } from '../../src/run/devKeys.js';
import { issueSignIns } from '../../src/run/demoSetup.js';
import { startService, type RunningService } from '../../src/run/serviceProcess.js';
import { buildDistrict } from '../../src/seed/district.js';
import { writeSeed } from '../../src/seed/writeSeed.js';
import { logTail } from '../../src/stack/logTail.js';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { runCommand } from '../../src/stack/runCommand.js';
import { createTestDatabase, freePorts, testServices, uniqueName, type TestDatabase } from '../../src/testing/index.js';

// schemathesis (PyPI) generates requests from the service's own OpenAPI document, valid and
// not, and checks that none is answered with a 5xx: every rejection must be a 4xx that explains.
describe('fuzzing the dispatch HTTP API from its OpenAPI document (schemathesis)', function () {
  this.timeout(300_000);
  const password = 'fuzz-password-long-enough';
  let database: TestDatabase;
  let dispatch: RunningService;
  let dataRoot: string;
  let port: number;

  before(async () => {
    // Its own, empty incidents topic: this suite fuzzes HTTP, not the consumer.
    const incidentsTopic = uniqueName('fuzz-incidents');
    const admin = new Kafka({ clientId: 'gs-fuzz', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: incidentsTopic, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    database = await createTestDatabase();
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const district = buildDistrict();
    await writeSeed(db, district, { incidents: [], detections: [], tickets: [], ticketEvents: [] }, { replace: false });
    await db.end();
    await issueSignIns({ postgresUrl: database.url, repoRoot }, district, [{ id: 'ops-01', role: 'ops' }], password);
    dataRoot = await mkdtemp(join(tmpdir(), 'gs-fuzz-'));
    const keys = await ensureDevKeys(dataRoot);
    const [httpPort, opsPort] = await freePorts(2);
    port = httpPort!;
    dispatch = await startService(
      {
        name: 'dispatch-service',
        script: 'dispatch-service/dist/main.js',
        env: {
          GRIDSIGHT_DATABASE_URL: database.url,
          GRIDSIGHT_KAFKA_BROKERS: testServices().kafkaBrokers.join(','),
          GRIDSIGHT_DISPATCH_KAFKA_GROUP: uniqueName('fuzz-dispatch'),
          GRIDSIGHT_DISPATCH_INCIDENTS_TOPIC: incidentsTopic,
          GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: keys.tokenPrivateKeyFile,
          GRIDSIGHT_DISPATCH_HTTP_PORT: String(port),
          GRIDSIGHT_DISPATCH_OPS_PORT: String(opsPort!),
          GRIDSIGHT_LOG_LEVEL: 'warn',
        },
        healthUrl: `http://127.0.0.1:${opsPort!}/health`,
      },
      { repoRoot, logDir: join(dataRoot, 'logs') },
    );
  });

  after(async () => {
    await dispatch?.stop();
    await database?.drop();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  });

  it('answers no generated request with a 5xx', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops-01', password }),
    });
    const { token } = (await response.json()) as { token: string };
    const result = await runCommand(
      join(repoRoot, '.venv', 'bin', 'schemathesis'),
      [
        'run', `http://127.0.0.1:${port}/docs/json`,
        '--url', `http://127.0.0.1:${port}`,
        '--header', `Authorization: Bearer ${token}`,
        '--checks', 'not_a_server_error',
        '--max-examples', '8',
        // The coverage phase sends multi-megabyte cell imports (ops may upload a city's cells); on a
        // loaded 2-core machine validating one takes longer than schemathesis's default wait.
        '--request-timeout', '60',
        // The server-sent event stream never ends; the worker-app browser test covers it.
        '--exclude-path', '/api/v1/stream',
        '--seed', '20261128',
      ],
      // Run in the suite's scratch folder: schemathesis keeps a .schemathesis cache where it runs.
      { cwd: dataRoot, env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } },
    );
    const summary = result.output.split('\n').filter((line) => /generated|failure|Server error|passed/.test(line)).join('\n');
    if (result.code !== 0) console.error(`${result.output.slice(-6000)}\n--- dispatch-service log\n${await logTail(dispatch.logFile, { lines: 20 })}`);
    assert.equal(result.code, 0, `schemathesis found server errors:\n${summary}`);
    assert.match(result.output, /\d+ generated/, 'schemathesis ran test cases');
  });
});
