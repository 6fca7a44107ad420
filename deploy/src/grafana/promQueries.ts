/**
 * PromQL of the pipeline-health dashboard. Every metric named here must be one a service really
 * exports: deploy/test/grafana/promQueries.test.ts checks the names against the services' sources.
 */
export const PROM_QUERIES = {
  eventsIntoKafka: { expr: 'sum by (topic) (rate(gridsight_broker_bridged_total[1m]))', legend: '网关→Kafka {{topic}}' },
  eventsProcessed: { expr: 'sum by (outcome) (rate(gridsight_sp_records_total{topic="anomaly-events"}[1m]))', legend: '处理 {{outcome}}' },
  consumerLag: { expr: 'sum by (topic) (gridsight_sp_consumer_lag)', legend: '{{topic}}' },
  dlqRate: {
    expr: 'sum by (job) (rate({__name__=~"gridsight_broker_dead_lettered_total|gridsight_sp_dlq_total"}[5m]))',
    legend: '{{job}}',
  },
  edgeFps: { expr: 'avg by (gateway_id, camera_id) (gridsight_edge_fps)', legend: '{{gateway_id}}/{{camera_id}}' },
  edgeInferenceMs: {
    expr: 'histogram_quantile(0.95, sum by (le, gateway_id) (rate(gridsight_edge_inference_seconds_bucket[5m]))) * 1000',
    legend: 'p95 {{gateway_id}}',
  },
} as const;

export type PromQueryName = keyof typeof PROM_QUERIES;

/** Metric names a PromQL expression reads (selectors and `__name__` alternatives). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(/__name__=~"([^"]+)"/g)) for (const name of match[1]!.split('|')) names.add(name);
  for (const match of expr.matchAll(/\b(gridsight_[a-z0-9_]+)\b/g)) names.add(match[1]!);
  return [...names];
}
