import { hostname } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createLogger, createMetricsRegistry, createOutboxRelay, handleShutdown, startOpsServer } from '@gridsight/service-kit';
import { createSessionStore } from './adapters/auth/sessions.js';
import { createTokenService } from './adapters/auth/tokens.js';
import { listenForTicketNotices } from './adapters/db/ticketNotices.js';
import { buildHttpServer } from './adapters/http/server.js';
import { streamRoute } from './adapters/http/routes/stream.js';
import { webAppRoutes } from './adapters/http/routes/webApp.js';
import { createIncidentConsumer } from './adapters/kafka/incidentConsumer.js';
import { createWorkerNotifier } from './adapters/mqtt/workerNotifier.js';
import { createWebhookSender } from './adapters/webhooks/webhookSender.js';
import { createDeadlineScheduler } from './adapters/timers/deadlineScheduler.js';
import { loadDispatchConfig } from './config.js';
import { createDispatchMetrics } from './metrics.js';
import { fireDueDeadlines } from './workflows/fireDeadlines.js';
import { eventsNeedingNoWork, handleIncidentEvent } from './workflows/handleIncidentEvent.js';
import type { WorkflowDeps } from './workflows/deps.js';

const SERVICE = 'dispatch-service';

async function main(): Promise<void> {
  const config = loadDispatchConfig(process.env);
  const logger = createLogger(SERVICE, config.logLevel);
  const registry = createMetricsRegistry(SERVICE);
  const metrics = createDispatchMetrics(registry);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));

  const deps: WorkflowDeps = { pool, config, clock: () => new Date(), logger };
  const kafka = new Kafka({ clientId: SERVICE, brokers: config.kafka.brokers, logLevel: logLevel.WARN });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  // Ticket transitions, and Open311 citizen reports entering the pipeline as anomaly events.
  const relayTopics = [config.kafka.ticketEventsTopic, config.kafka.anomalyEventsTopic];
  const relay = createOutboxRelay({ pool, producer, topics: relayTopics, name: `${SERVICE}:${relayTopics.join(',')}`, logger, registry });
  const consumer = createIncidentConsumer({
    kafka,
    groupId: config.kafka.groupId,
    topic: config.kafka.incidentsTopic,
    logger,
    fromBeginning: true,
    handle: async (event) => {
      const outcome = await handleIncidentEvent(deps, event);
      if (outcome.kind !== 'unchanged') relay.wake();
      return outcome;
    },
    needingNoWork: (events) => eventsNeedingNoWork(deps, events),
    deadLetter: async (record, key) => {
      await producer.send({ topic: config.kafka.dlqTopic, acks: -1, messages: [{ key, value: JSON.stringify(record), headers: { 'error-code': record.reason.code } }] });
    },
    databaseReachable: () => pool.query('SELECT 1').then(() => true, () => false),
    retry: config.incidentRetry,
    counters: { processed: metrics.incidentsProcessed, invalid: metrics.incidentsInvalid, deadLettered: metrics.incidentsDeadLettered },
  });
  const scheduler = createDeadlineScheduler({
    intervalMs: config.timerIntervalMs,
    logger,
    fire: () => fireDueDeadlines(deps),
    onFired: (fired) => {
      for (const [effect, count] of Object.entries(fired)) if (count > 0) metrics.deadlinesFired.inc({ effect }, count);
      if (fired.assigned + fired.escalated + fired.reassigned > 0) relay.wake();
    },
  });
  const webhooks = createWebhookSender({ pool, logger });
  const notifier = config.mqtt
    ? createWorkerNotifier({
        kafka,
        groupId: `${config.kafka.groupId}-mqtt-push`,
        ticketEventsTopic: config.kafka.ticketEventsTopic,
        mqttUrl: config.mqtt.url,
        accountId: config.mqtt.accountId,
        secret: config.mqtt.secret,
        instance: `${hostname()}-${process.pid}`,
        logger,
      })
    : undefined;
  const notices = listenForTicketNotices(config.databaseUrl, logger);
  const tokens = createTokenService({ privateKeyPem: config.tokens.privateKeyPem, ttlSeconds: config.tokens.ttlSeconds });
  const sessions = createSessionStore({ pool, cacheMs: config.tokens.revocationCacheMs });
  const app = await buildHttpServer({
    workflows: deps,
    tokens,
    sessions,
    photoMaxBytes: config.photoMaxBytes,
    publicUrl: config.http.publicUrl,
    logger,
    plugins: [streamRoute(notices, pool), webAppRoutes()],
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe({ route: request.routeOptions.url ?? 'unknown', status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
  });

  await producer.connect();
  relay.start();
  // Deadlines need only the database: after a crash they fire while the consumer still waits for
  // the group to drop the dead member (up to its session timeout).
  scheduler.start();
  webhooks.start();
  await consumer.start();
  await notifier?.start();
  await app.listen({ host: config.http.host, port: config.http.port });
  const ops = await startOpsServer({
    host: config.http.host,
    port: config.opsPort,
    registry,
    health: async () => {
      const db = await pool.query('SELECT 1').then(() => 'ok', (error: Error) => error.message);
      const kafkaState = consumer.connected() ? 'connected' : 'disconnected';
      return { healthy: db === 'ok' && kafkaState === 'connected', checks: { db, kafka: kafkaState, notices: notices.listening() ? 'listening' : 'reconnecting' } };
    },
  });
  logger.info({ http: `http://${config.http.host}:${config.http.port}`, ops: ops.port, incidents: config.kafka.incidentsTopic }, 'dispatch-service started');

  handleShutdown(
    logger,
    [
      ['stop taking requests', () => app.close()],
      ['stop consuming incidents', () => consumer.stop()],
      ['stop the deadline scheduler', () => scheduler.stop()],
      ['stop sending webhooks', () => webhooks.stop()],
      ['stop pushing over MQTT', async () => notifier?.stop()],
      ['flush the outbox', async () => {
        await relay.relayOnce().catch(() => undefined);
        await relay.stop();
      }],
      ['close Kafka and database clients', async () => {
        await producer.disconnect();
        await notices.close();
        await pool.end();
      }],
      ['close the ops server', () => ops.close()],
    ],
    { timeoutMs: 20_000 },
  );
}

main().catch((error: unknown) => {
  createLogger(SERVICE).fatal({ err: error }, `dispatch-service could not start: ${(error as Error).message}`);
  process.exit(1);
});
