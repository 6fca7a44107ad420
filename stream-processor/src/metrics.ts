import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const WINDOW_MS = 10_000;

export interface ProcessorMetrics {
  records(topic: string, outcome: 'stored' | 'duplicate' | 'invalid', count: number): void;
  dlq(topic: string, count: number): void;
  incidentChanges(change: string, count: number): void;
  dedupe(opened: number, merged: number): void;
  batchSeconds(topic: string): () => number;
  lag(topic: string, partition: number, lag: number): void;
}

/** Consumer lag, events/s, dedupe ratio, DLQ count and batch latency, as the issue asks. */
export function createProcessorMetrics(registry: Registry): ProcessorMetrics {
  const records = new Counter({ name: 'gridsight_sp_records_total', help: 'Input records by outcome', labelNames: ['topic', 'outcome'], registers: [registry] });
  const dlq = new Counter({ name: 'gridsight_sp_dlq_total', help: 'Records refused to the DLQ', labelNames: ['topic'], registers: [registry] });
  const changes = new Counter({ name: 'gridsight_sp_incident_changes_total', help: 'Incident changes announced', labelNames: ['change'], registers: [registry] });
  const opened = new Counter({ name: 'gridsight_sp_incidents_opened_total', help: 'Sightings that opened an incident', registers: [registry] });
  const merged = new Counter({ name: 'gridsight_sp_sightings_merged_total', help: 'Sightings merged into an existing incident', registers: [registry] });
  const batch = new Histogram({
    name: 'gridsight_sp_batch_seconds',
    help: 'One database transaction of a batch, from decode to commit',
    labelNames: ['topic'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const lag = new Gauge({ name: 'gridsight_sp_consumer_lag', help: 'Records behind the partition end after the last batch', labelNames: ['topic', 'partition'], registers: [registry] });
  const totals = { opened: 0, merged: 0 };
  new Gauge({
    name: 'gridsight_sp_dedupe_ratio',
    help: 'Share of sightings merged into an existing incident rather than opening one',
    registers: [registry],
    collect() {
      const all = totals.opened + totals.merged;
      this.set(all === 0 ? 0 : totals.merged / all);
    },
  });
  const window: Array<{ at: number; count: number }> = [];
  new Gauge({
    name: 'gridsight_sp_events_per_second',
    help: `Input records processed per second over the last ${WINDOW_MS / 1000} s`,
    registers: [registry],
    collect() {
      const since = Date.now() - WINDOW_MS;
      while (window.length > 0 && window[0]!.at < since) window.shift();
      this.set(window.reduce((sum, w) => sum + w.count, 0) / (WINDOW_MS / 1000));
    },
  });

  return {
    records(topic, outcome, count) {
      if (count === 0) return;
      records.inc({ topic, outcome }, count);
      window.push({ at: Date.now(), count });
      if (window.length > 10_000) window.shift();
    },
    dlq(topic, count) {
      if (count > 0) dlq.inc({ topic }, count);
    },
    incidentChanges(change, count) {
      if (count > 0) changes.inc({ change }, count);
    },
    dedupe(openedCount, mergedCount) {
      totals.opened += openedCount;
      totals.merged += mergedCount;
      opened.inc(openedCount);
      merged.inc(mergedCount);
    },
    batchSeconds(topic) {
      return batch.startTimer({ topic });
    },
    lag(topic, partition, behind) {
      lag.set({ topic, partition: String(partition) }, behind);
    },
  };
}
