import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;

export function createBrokerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    connections: new Gauge({ name: 'gridsight_broker_connections', help: 'Open MQTT connections', labelNames: ['listener'], registers }),
    connectionsRefused: new Counter({ name: 'gridsight_broker_connections_refused_total', help: 'Connections closed before CONNECT was handled', labelNames: ['reason'], registers }),
    authFailures: new Counter({ name: 'gridsight_broker_auth_failures_total', help: 'Refused CONNECTs', labelNames: ['code'], registers }),
    aclDenials: new Counter({ name: 'gridsight_broker_acl_denials_total', help: 'Refused PUBLISH or SUBSCRIBE', labelNames: ['action', 'principal'], registers }),
    rateLimited: new Counter({ name: 'gridsight_broker_rate_limited_total', help: 'PUBLISH delayed or refused by the per-client rate limit', labelNames: ['outcome'], registers }),
    oversizePackets: new Counter({ name: 'gridsight_broker_oversize_packets_total', help: 'Connections closed for a packet over the size limit', registers }),
    bridged: new Counter({ name: 'gridsight_broker_bridged_total', help: 'Messages acknowledged by Kafka', labelNames: ['topic'], registers }),
    deadLettered: new Counter({ name: 'gridsight_broker_dead_lettered_total', help: 'Invalid payloads written to the DLQ', labelNames: ['channel'], registers }),
    bridgeFailures: new Counter({ name: 'gridsight_broker_bridge_failures_total', help: 'Publishes refused because Kafka did not acknowledge in time', registers }),
    kafkaSendErrors: new Counter({ name: 'gridsight_broker_kafka_send_errors_total', help: 'Failed sendBatch attempts (each is retried)', registers }),
    kafkaBatchSize: new Histogram({ name: 'gridsight_broker_kafka_batch_records', help: 'Records per sendBatch', buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers }),
    kafkaBatchSeconds: new Histogram({ name: 'gridsight_broker_kafka_batch_seconds', help: 'sendBatch until acks=all', buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers }),
    bridgeInFlight: new Gauge({ name: 'gridsight_broker_bridge_in_flight', help: 'Messages waiting for a Kafka acknowledgement', registers }),
  };
}
