import { createOutboxRelay, type HealthReport, type OutboxRelay } from '@gridsight/service-kit';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBatchConsumer, type BatchConsumer } from './adapters/kafka/batchConsumer.js';
import { inTransaction } from './adapters/db/transaction.js';
import type { StreamProcessorConfig } from './config.js';
import { handleAnomalyEvents } from './handlers/anomalyEvents.js';
import { handleGatewayStatus } from './handlers/gatewayStatus.js';
import { announceDueSightings } from './handlers/heldSightings.js';
import { createHeldSightingsFlush, flushEveryMs } from './heldSightingsFlush.js';
import type { RecordIn } from './handlers/records.js';
import { handleSensorTelemetry } from './handlers/sensorTelemetry.js';
import { handleTicketEvents } from './handlers/ticketEvents.js';
import { createProcessorMetrics } from './metrics.js';

export interface StreamProcessor {
  start(): Promise<void>;
  /** Finishes the batch in hand, publishes what it wrote, and closes every client. */
  stop(): Promise<void>;
  health(): Promise<HealthReport>;
}

export interface StreamProcessorDeps {
  config: StreamProcessorConfig;
  databaseUrl: string;
  logger: Logger;
  registry: Registry;
}

/** Builds the parts (pool, consumer, outbox relay, handlers) and wires them; main.ts only adds the process around it. */
export function createStreamProcessor({ config, databaseUrl, logger, registry }: StreamProcessorDeps): StreamProcessor {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: config.GRIDSIGHT_SP_PARTITIONS_CONCURRENCY + 4, application_name: 'gridsight-stream-processor' });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  const kafka = new Kafka({ clientId: 'gridsight-stream-processor', brokers: config.GRIDSIGHT_KAFKA_BROKERS.split(','), logLevel: logLevel.WARN, logCreator: kafkaLogCreator(logger) });
  const metrics = createProcessorMetrics(registry);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const relay: OutboxRelay = createOutboxRelay({
    pool,
    producer,
    topics: [config.GRIDSIGHT_SP_TOPIC_INCIDENTS, config.GRIDSIGHT_SP_TOPIC_DLQ],
    name: `stream-processor:${config.GRIDSIGHT_SP_GROUP_ID}`,
    logger,
    registry,
    batchSize: 2000,
  });
  const now = () => new Date();
  const dlqTopic = config.GRIDSIGHT_SP_TOPIC_DLQ;
  const incidentsTopic = config.GRIDSIGHT_SP_TOPIC_INCIDENTS;

  const handlers = new Map<string, (records: RecordIn[]) => Promise<void>>([
    [
      config.GRIDSIGHT_SP_TOPIC_ANOMALY_EVENTS,
      async (records) => {
        const context = {
          dlqTopic,
          now,
          incidentsTopic,
          dedupe: { mergeRadiusM: config.GRIDSIGHT_SP_MERGE_RADIUS_M, accuracyCapM: config.GRIDSIGHT_SP_ACCURACY_CAP_M },
          sightingAnnounceIntervalMs: config.GRIDSIGHT_SP_SIGHTING_ANNOUNCE_INTERVAL_MS,
          repeatWindowDays: config.GRIDSIGHT_SP_REPEAT_WINDOW_DAYS,
        };
        const outcome = await inTransaction(pool, (client) => handleAnomalyEvents(client, records, context));
        const topic = config.GRIDSIGHT_SP_TOPIC_ANOMALY_EVENTS;
        metrics.records(topic, 'stored', outcome.stored);
        metrics.records(topic, 'duplicate', outcome.duplicates);
        metrics.records(topic, 'invalid', outcome.invalid);
        metrics.dlq(topic, outcome.invalid);
        metrics.dedupe(outcome.opened, outcome.merged);
        metrics.incidentChanges('any', outcome.changes);
      },
    ],
    [
      config.GRIDSIGHT_SP_TOPIC_TICKET_EVENTS,
      async (records) => {
        const outcome = await inTransaction(pool, (client) => handleTicketEvents(client, records, { dlqTopic, now, incidentsTopic }));
        if (outcome.unknownIncidents > 0) logger.warn({ count: outcome.unknownIncidents }, 'ticket events closed incidents this database does not hold');
        metrics.records(config.GRIDSIGHT_SP_TOPIC_TICKET_EVENTS, 'stored', records.length - outcome.invalid);
        metrics.records(config.GRIDSIGHT_SP_TOPIC_TICKET_EVENTS, 'invalid', outcome.invalid);
        metrics.dlq(config.GRIDSIGHT_SP_TOPIC_TICKET_EVENTS, outcome.invalid);
        metrics.incidentChanges('closed', outcome.closed);
      },
    ],
    [
      config.GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS,
      async (records) => {
        const outcome = await inTransaction(pool, (client) => handleGatewayStatus(client, records, { dlqTopic, now }));
        metrics.records(config.GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS, 'stored', outcome.stored);
        metrics.records(config.GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS, 'invalid', outcome.invalid);
        metrics.dlq(config.GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS, outcome.invalid);
      },
    ],
    [
      config.GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY,
      async (records) => {
        const outcome = await inTransaction(pool, (client) => handleSensorTelemetry(client, records, { dlqTopic, now }));
        metrics.records(config.GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY, 'stored', outcome.stored);
        metrics.records(config.GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY, 'invalid', outcome.invalid);
        metrics.dlq(config.GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY, outcome.invalid);
      },
    ],
  ]);

  const consumer: BatchConsumer = createBatchConsumer({
    kafka,
    groupId: config.GRIDSIGHT_SP_GROUP_ID,
    topics: [...handlers.keys()],
    fromBeginning: config.GRIDSIGHT_SP_FROM_BEGINNING,
    sessionTimeoutMs: config.GRIDSIGHT_SP_SESSION_TIMEOUT_MS,
    partitionsConsumedConcurrently: config.GRIDSIGHT_SP_PARTITIONS_CONCURRENCY,
    maxBatch: config.GRIDSIGHT_SP_MAX_BATCH,
    maxBytesPerPartition: config.GRIDSIGHT_SP_FETCH_MAX_BYTES_PER_PARTITION,
    logger,
    onLag: (topic, partition, lag) => metrics.lag(topic, partition, lag),
    handle: async (topic, partition, records) => {
      const handler = handlers.get(topic);
      if (!handler) throw new Error(`no handler for topic ${topic}`);
      const done = metrics.batchSeconds(topic);
      await handler(records);
      const seconds = done();
      relay.wake();
      logger.debug({ topic, partition, records: records.length, ms: Math.round(seconds * 1000) }, 'batch committed');
    },
  });

  const flush = createHeldSightingsFlush({
    everyMs: flushEveryMs(config.GRIDSIGHT_SP_SIGHTING_ANNOUNCE_INTERVAL_MS),
    round: () => inTransaction(pool, (client) => announceDueSightings(client, { now, incidentsTopic, limit: 1000 })),
    onAnnounced: (count) => {
      metrics.incidentChanges('updated', count);
      relay.wake();
    },
    logger,
  });

  return {
    async start() {
      await producer.connect();
      relay.start();
      await consumer.start();
      flush.start();
    },
    async stop() {
      await flush.stop();
      await consumer.stop();
      await relay.stop();
      // What the last batches wrote goes out now rather than on the next start.
      await relay.relayOnce().catch((error: unknown) => logger.warn({ err: error }, 'final outbox round failed; the next start publishes it'));
      await producer.disconnect();
      await pool.end();
    },
    async health() {
      const db = await pool
        .query('SELECT 1')
        .then(() => 'ok')
        .catch((error: unknown) => `failing: ${(error as Error).message}`);
      const kafkaState = consumer.isConnected() ? 'connected' : 'disconnected';
      return { healthy: db === 'ok' && kafkaState === 'connected', checks: { db, kafka: kafkaState } };
    },
  };
}

const KAFKA_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: { level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, ...rest } = log;
      logger[KAFKA_LEVELS[level] ?? 'info']({ kafka: rest }, message);
    };
}
