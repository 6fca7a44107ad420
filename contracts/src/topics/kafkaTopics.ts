export const KAFKA_TOPICS = {
  anomalyEvents: 'anomaly-events',
  anomalyEventsDlq: 'anomaly-events.dlq',
  sensorTelemetry: 'sensor-telemetry',
  gatewayStatus: 'gateway-status',
  incidents: 'incidents',
  ticketEvents: 'ticket-events',
} as const;
export type KafkaTopicName = (typeof KAFKA_TOPICS)[keyof typeof KAFKA_TOPICS];

export interface KafkaTopicSpec {
  name: KafkaTopicName;
  /** What the record key is; records with one key keep their order. */
  key: string;
  /** Partitions for a development stack; production sizes them to its consumers. */
  partitions: number;
  /** `compact` keeps the latest record per key (gateway status); others are time-retained logs. */
  cleanupPolicy: 'delete' | 'compact';
}

export const KAFKA_TOPIC_SPECS: readonly KafkaTopicSpec[] = [
  { name: KAFKA_TOPICS.anomalyEvents, key: 'geo cell of the location (geohash, see geoCellKey)', partitions: 6, cleanupPolicy: 'delete' },
  { name: KAFKA_TOPICS.anomalyEventsDlq, key: 'MQTT topic or source partition of the refused payload', partitions: 1, cleanupPolicy: 'delete' },
  { name: KAFKA_TOPICS.sensorTelemetry, key: 'gatewayId/deviceId', partitions: 3, cleanupPolicy: 'delete' },
  { name: KAFKA_TOPICS.gatewayStatus, key: 'gatewayId', partitions: 1, cleanupPolicy: 'compact' },
  { name: KAFKA_TOPICS.incidents, key: 'incidentId', partitions: 3, cleanupPolicy: 'delete' },
  { name: KAFKA_TOPICS.ticketEvents, key: 'ticketId', partitions: 3, cleanupPolicy: 'delete' },
];
