import { KAFKA_TOPICS, StringEnum } from '@gridsight/contracts';
import { loadEnvConfig } from '@gridsight/service-kit';
import { Type, type Static } from '@sinclair/typebox';

const topic = (name: string, description: string) => Type.String({ default: name, minLength: 1, maxLength: 249, pattern: '^[A-Za-z0-9._-]+$', description });

export const StreamProcessorConfigSchema = Type.Object(
  {
    GRIDSIGHT_KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', pattern: '^[^,\\s]+(,[^,\\s]+)*$', description: 'Comma-separated host:port list' }),
    GRIDSIGHT_DATABASE_URL: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset means the local stack that `npm start` runs (its URL carries a generated password)' }),
    ),
    GRIDSIGHT_SP_GROUP_ID: Type.String({ default: 'gridsight-stream-processor', minLength: 1, description: 'Kafka consumer group; every instance of one deployment shares it' }),
    GRIDSIGHT_SP_MERGE_RADIUS_M: Type.Number({ default: 15, minimum: 0.5, maximum: 500, description: 'Sightings of one kind closer than this are one incident' }),
    GRIDSIGHT_SP_ACCURACY_CAP_M: Type.Number({ default: 10, minimum: 0, maximum: 200, description: 'A vague position widens the merge radius by its accuracy, up to this' }),
    GRIDSIGHT_SP_REPEAT_WINDOW_DAYS: Type.Integer({ default: 90, minimum: 1, maximum: 3650, description: 'A sighting near an incident closed this recently opens a repeat linked to it' }),
    GRIDSIGHT_SP_MAX_BATCH: Type.Integer({ default: 5000, minimum: 1, maximum: 10_000, description: 'Records per database transaction' }),
    GRIDSIGHT_SP_FETCH_MAX_BYTES_PER_PARTITION: Type.Integer({
      default: 4 * 1_048_576,
      minimum: 65_536,
      maximum: 64 * 1_048_576,
      description: 'Most bytes one Kafka fetch brings per partition; with GRIDSIGHT_SP_MAX_BATCH it bounds the records per transaction',
    }),
    GRIDSIGHT_SP_SIGHTING_ANNOUNCE_INTERVAL_MS: Type.Integer({
      default: 3_000,
      minimum: 0,
      maximum: 600_000,
      description:
        'Plain sightings of one incident are announced on Kafka at most once per this many ms (news such as opened, cleared, reopened or a new source at once); 0 announces every batch\'s',
    }),
    GRIDSIGHT_SP_PARTITIONS_CONCURRENCY: Type.Integer({ default: 2, minimum: 1, maximum: 64, description: 'Partitions processed at once by one instance' }),
    GRIDSIGHT_SP_SESSION_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 6_000, maximum: 300_000, description: 'Kafka group session timeout' }),
    GRIDSIGHT_SP_FROM_BEGINNING: Type.Boolean({ default: true, description: 'A new consumer group starts at the oldest retained record' }),
    GRIDSIGHT_SP_TOPIC_ANOMALY_EVENTS: topic(KAFKA_TOPICS.anomalyEvents, 'AnomalyEvent input'),
    GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY: topic(KAFKA_TOPICS.sensorTelemetry, 'SensorTelemetry input'),
    GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS: topic(KAFKA_TOPICS.gatewayStatus, 'GatewayStatusRecord input'),
    GRIDSIGHT_SP_TOPIC_TICKET_EVENTS: topic(KAFKA_TOPICS.ticketEvents, 'TicketEvent input (closes incidents)'),
    GRIDSIGHT_SP_TOPIC_INCIDENTS: topic(KAFKA_TOPICS.incidents, 'IncidentEvent output'),
    GRIDSIGHT_SP_TOPIC_DLQ: topic(KAFKA_TOPICS.anomalyEventsDlq, 'DlqRecord output for refused input'),
    GRIDSIGHT_SP_OPS_HOST: Type.String({ default: '127.0.0.1', description: 'Interface of /health and /metrics' }),
    GRIDSIGHT_SP_OPS_PORT: Type.Integer({ default: 9302, minimum: 0, maximum: 65_535, description: '/health and /metrics port (0: any free port)' }),
    GRIDSIGHT_SP_SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 1_000, description: 'SIGTERM: time to finish the batch in hand before exiting anyway' }),
    GRIDSIGHT_LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  },
);

export type StreamProcessorConfig = Readonly<Static<typeof StreamProcessorConfigSchema>>;

export function loadStreamProcessorConfig(env: NodeJS.ProcessEnv): StreamProcessorConfig {
  return loadEnvConfig(StreamProcessorConfigSchema, env);
}
