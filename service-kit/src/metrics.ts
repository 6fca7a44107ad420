import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per service (never prom-client's global one), with process metrics under `gridsight_<service>_`. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: `gridsight_${service.replace(/-/g, '_')}_` });
  return registry;
}
