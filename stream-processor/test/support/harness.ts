import { geoCellKey, type AnomalyEvent } from '@gridsight/contracts';
import { testServices, uniqueName } from '@gridsight/deploy/testing';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type pg from 'pg';

export const kafka = new Kafka({ clientId: 'gs-sp-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });

export interface Topics {
  anomalyEvents: string;
  sensorTelemetry: string;
  gatewayStatus: string;
  ticketEvents: string;
  incidents: string;
  dlq: string;
}

export async function createTopics(admin: Admin): Promise<Topics> {
  const topics: Topics = {
    anomalyEvents: uniqueName('gs-sp-anomaly'),
    sensorTelemetry: uniqueName('gs-sp-telemetry'),
    gatewayStatus: uniqueName('gs-sp-status'),
    ticketEvents: uniqueName('gs-sp-tickets'),
    incidents: uniqueName('gs-sp-incidents'),
    dlq: uniqueName('gs-sp-dlq'),
  };
  // Not waitForLeaders: kafkajs gives up on the first "does not host this topic-partition" that a
  // busy broker answers right after creating (or after deleting other topics), so poll instead;
  // a create that timed out is tried again (kafkajs answers false for topics that exist by then).
  await waitFor('the topics created', async () => {
    await admin.createTopics({
      topics: [
        { topic: topics.anomalyEvents, numPartitions: 6, replicationFactor: 1 },
        { topic: topics.sensorTelemetry, numPartitions: 3, replicationFactor: 1 },
        { topic: topics.gatewayStatus, numPartitions: 1, replicationFactor: 1 },
        { topic: topics.ticketEvents, numPartitions: 3, replicationFactor: 1 },
        { topic: topics.incidents, numPartitions: 3, replicationFactor: 1 },
        { topic: topics.dlq, numPartitions: 1, replicationFactor: 1 },
      ],
    });
    return true;
  });
  const names = Object.values(topics);
  await waitFor('leaders for the new topics', async () => {
    const metadata = await admin.fetchTopicMetadata({ topics: names });
    return metadata.topics.length === names.length && metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
  });
  return topics;
}

/** The environment a processor (in-process config or child process) needs for these topics and this database. */
export function processorEnv(topics: Topics, databaseUrl: string, groupId: string): Record<string, string> {
  return {
    GRIDSIGHT_KAFKA_BROKERS: testServices().kafkaBrokers.join(','),
    GRIDSIGHT_DATABASE_URL: databaseUrl,
    GRIDSIGHT_SP_GROUP_ID: groupId,
    GRIDSIGHT_SP_TOPIC_ANOMALY_EVENTS: topics.anomalyEvents,
    GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY: topics.sensorTelemetry,
    GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS: topics.gatewayStatus,
    GRIDSIGHT_SP_TOPIC_TICKET_EVENTS: topics.ticketEvents,
    GRIDSIGHT_SP_TOPIC_INCIDENTS: topics.incidents,
    GRIDSIGHT_SP_TOPIC_DLQ: topics.dlq,
    GRIDSIGHT_SP_SESSION_TIMEOUT_MS: '6000',
    GRIDSIGHT_SP_OPS_PORT: '0',
    GRIDSIGHT_LOG_LEVEL: 'warn',
  };
}

export async function produceEvents(producer: Producer, topic: string, events: readonly AnomalyEvent[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: geoCellKey(e.location), value: JSON.stringify(e) })) });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS q`, params);
  return Number(rows[0]!.n);
}

/** Everything the processor writes, minus the columns that only say when a row was written. */
export async function dumpDatabase(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const query = async (sql: string) => (await pool.query(sql)).rows;
  return {
    detections: await query('SELECT * FROM detections ORDER BY event_id'),
    incidents: await query('SELECT incident_id, kind, status, lat, lon, geo_cell, first_seen_at, last_seen_at, sightings, raised_by, sources, source_states, max_confidence, best_snapshot_id, previous_incident_id, cleared_at, cleared_by, closed_at, version FROM incidents ORDER BY incident_id'),
    snapshots: await query('SELECT snapshot_id, sha256, bytes FROM snapshots ORDER BY sha256'),
    outbox: await query('SELECT id, event_id, topic, message_key, payload FROM outbox ORDER BY id'),
    sensorReadings: await query('SELECT * FROM sensor_readings ORDER BY 1, 2, 3, 4'),
    gateways: await query('SELECT gateway_id, online, last_seen_at, agent_version FROM gateways ORDER BY 1'),
  };
}

/** Reads every message of a topic from the start until `done` says enough (or the timeout). */
export async function readTopic(topic: string, done: (values: Array<{ key: string; value: unknown }>) => boolean, timeoutMs = 60_000): Promise<Array<{ key: string; value: unknown }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('gs-sp-reader') });
  const values: Array<{ key: string; value: unknown }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push({ key: message.key?.toString() ?? '', value: JSON.parse(message.value!.toString()) });
      },
    });
    await waitFor(`messages on ${topic}`, async () => done(values), timeoutMs);
    return values;
  } finally {
    await consumer.disconnect();
  }
}
