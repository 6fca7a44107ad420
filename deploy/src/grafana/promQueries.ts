/**
 * PromQL of the pipeline-health dashboard. Each metric named here must be one a service really
 * exports: deploy/test/grafana checks the names against the services' sources.
 */
export const PROM_QUERIES = {
  eventsIntoKafka: { expr: 'sum(rate(gridsight_broker_kafka_records_total[1m]))', legend: '网关→Kafka events/s' },
  eventsProcessed: { expr: 'sum(rate(gridsight_stream_processor_events_total[1m]))', legend: '处理 processed events/s' },
  consumerLag: { expr: 'sum by (topic) (gridsight_stream_processor_consumer_lag)', legend: '{{topic}}' },
  dlqRate: { expr: 'sum by (service) (rate(gridsight_dlq_records_total[5m]))', legend: '{{service}}' },
  edgeFps: { expr: 'avg by (gateway_id, camera_id) (gridsight_edge_fps)', legend: '{{gateway_id}}/{{camera_id}}' },
  edgeInferenceMs: {
    expr: 'histogram_quantile(0.95, sum by (le, gateway_id) (rate(gridsight_edge_inference_seconds_bucket[5m]))) * 1000',
    legend: 'p95 {{gateway_id}}',
  },
} as const;

export type PromQueryName = keyof typeof PROM_QUERIES;
