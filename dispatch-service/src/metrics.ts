import { Counter, Histogram, type Registry } from 'prom-client';

export function createDispatchMetrics(registry: Registry) {
  return {
    incidentsProcessed: new Counter({ name: 'gridsight_dispatch_incident_events_total', help: 'Incident events handled, by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    incidentsInvalid: new Counter({ name: 'gridsight_dispatch_incident_events_invalid_total', help: 'Incident events skipped as malformed', registers: [registry] }),
    incidentsDeadLettered: new Counter({
      name: 'gridsight_dispatch_incident_events_dead_lettered_total',
      help: 'Valid incident events sent to the dead-letter topic after bounded retries, by error code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    deadlinesFired: new Counter({ name: 'gridsight_dispatch_deadlines_fired_total', help: 'Durable timers fired, by effect', labelNames: ['effect'] as const, registers: [registry] }),
    httpDuration: new Histogram({
      name: 'gridsight_dispatch_http_request_duration_seconds',
      help: 'API latency by route and status class',
      labelNames: ['route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
export type DispatchMetrics = ReturnType<typeof createDispatchMetrics>;
