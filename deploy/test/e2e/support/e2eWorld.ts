import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { ensureTopics } from '../../../src/kafka/ensureTopics.js';
import { issueSignIns } from '../../../src/run/demoSetup.js';
import { startPipeline, type Pipeline, type PipelinePorts } from '../../../src/run/pipeline.js';
import type { District } from '../../../src/seed/district.js';
import { writeSeed } from '../../../src/seed/writeSeed.js';
import { repoRoot } from '../../../src/stack/repoPaths.js';
import { createTestDatabase, freePorts, testRedisUrl, testServices, uniqueName, type TestDatabase } from '../../../src/testing/index.js';

export const PASSWORD = 'e2e-password-long-enough';

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The roster of the seeded district, in its local time (UTC+8): who owns QH-01 right now. */
export function onDutyInQh01(): string {
  const hour = (new Date().getUTCHours() + 8) % 24;
  return hour >= 7 && hour < 15 ? 'w-qh-01-d' : hour >= 15 && hour < 23 ? 'w-qh-01-e' : 'w-qh-night';
}

export interface E2eWorld {
  database: TestDatabase;
  db: pg.Client;
  pipeline: Pipeline;
  ports: PipelinePorts;
  dataRoot: string;
  /** Free ports beyond the pipeline's, for what a test runs beside it (an edge agent's ops port). */
  extraPorts: number[];
  /** The dispatch API as a signed-in user (`token`) sees it; a non-2xx answer fails the test with its body. */
  api<T>(path: string, init?: RequestInit & { token?: string }): Promise<T>;
  signIn(username: string): Promise<string>;
  ticketsOf(incidentId: string): Promise<{ ticket_id: string; status: string; assignee_id: string | null }[]>;
  close(): Promise<void>;
}

/**
 * The seeded district in a database of its own and the three services as processes, on the shared
 * Kafka: its own consumer groups, incidents and ticket events on topics of this run alone, anomaly
 * events from now on (other suites publish on that topic too).
 */
export async function startE2eWorld(options: { name: string; district: District; signIns: { id: string; role: 'worker' | 'supervisor' | 'ops' }[]; extraPorts?: number }): Promise<E2eWorld> {
  const services = testServices();
  const incidentsTopic = uniqueName(`${options.name}-incidents`);
  const ticketEventsTopic = uniqueName(`${options.name}-ticket-events`);
  const admin = new Kafka({ clientId: `gs-${options.name}`, brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await ensureTopics(admin);
  await admin.createTopics({ waitForLeaders: true, topics: [incidentsTopic, ticketEventsTopic].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) });
  await admin.disconnect();

  const database = await createTestDatabase();
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  await writeSeed(db, options.district, { incidents: [], detections: [], tickets: [], ticketEvents: [] }, { replace: false });
  await issueSignIns({ postgresUrl: database.url, repoRoot }, options.district, options.signIns, PASSWORD);

  const [mqtt, mqttWebSocket, http, brokerOps, streamProcessorOps, dispatchOps, ...extraPorts] = await freePorts(6 + (options.extraPorts ?? 0));
  const ports: PipelinePorts = { mqtt: mqtt!, mqttWebSocket: mqttWebSocket!, http: http!, brokerOps: brokerOps!, streamProcessorOps: streamProcessorOps!, dispatchOps: dispatchOps! };
  const dataRoot = await mkdtemp(join(tmpdir(), `gs-${options.name}-`));
  const pipeline = await startPipeline(
    { postgresUrl: database.url, kafkaBrokers: services.kafkaBrokers, redisUrl: testRedisUrl() },
    {
      repoRoot,
      dataRoot,
      ports,
      env: {
        GRIDSIGHT_SP_GROUP_ID: uniqueName(`${options.name}-sp`),
        GRIDSIGHT_SP_FROM_BEGINNING: 'false',
        GRIDSIGHT_SP_TOPIC_INCIDENTS: incidentsTopic,
        GRIDSIGHT_SP_TOPIC_TICKET_EVENTS: ticketEventsTopic,
        GRIDSIGHT_DISPATCH_KAFKA_GROUP: uniqueName(`${options.name}-dispatch`),
        GRIDSIGHT_DISPATCH_INCIDENTS_TOPIC: incidentsTopic,
        GRIDSIGHT_DISPATCH_TICKET_EVENTS_TOPIC: ticketEventsTopic,
        GRIDSIGHT_LOG_LEVEL: 'warn',
      },
    },
  );

  const api = async <T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    const response = await fetch(`http://127.0.0.1:${ports.http}/api/v1${path}`, { ...init, headers });
    const body = (await response.json()) as T;
    assert.ok(response.ok, `${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    database,
    db,
    pipeline,
    ports,
    dataRoot,
    extraPorts,
    api,
    signIn: async (username) => (await api<{ token: string }>('/auth/token', { method: 'POST', body: JSON.stringify({ username, password: PASSWORD }) })).token,
    ticketsOf: async (incidentId) =>
      (await db.query<{ ticket_id: string; status: string; assignee_id: string | null }>('SELECT ticket_id, status, assignee_id FROM tickets WHERE incident_id = $1', [incidentId])).rows,
    close: async () => {
      await pipeline.stop();
      await db.end();
      await database.drop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}
