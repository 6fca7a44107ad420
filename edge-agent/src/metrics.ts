import { createMetricsRegistry } from '@gridsight/service-kit';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface EdgeMetrics {
  readonly registry: Registry;
  readonly fps: Gauge<'gateway_id' | 'camera_id'>;
  readonly inferenceSeconds: Histogram<'gateway_id'>;
  readonly stageSeconds: Histogram<'gateway_id' | 'stage'>;
  readonly queueDepth: Gauge<'gateway_id'>;
  readonly framesDropped: Counter<'gateway_id' | 'camera_id'>;
  readonly framesFailed: Counter<'gateway_id' | 'camera_id' | 'code'>;
  readonly eventsBuffered: Gauge<'gateway_id'>;
  readonly eventsBufferedBytes: Gauge<'gateway_id'>;
  readonly eventsDropped: Counter<'gateway_id'>;
  readonly eventsPublished: Counter<'gateway_id'>;
  readonly eventsStored: Counter<'gateway_id' | 'type'>;
  readonly sensorMessagesRejected: Counter<'gateway_id' | 'sensor_id' | 'reason'>;
}

const STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

// The metric names are the ones the Grafana dashboards query (deploy/grafana).
export function createEdgeMetrics(): EdgeMetrics {
  const registry = createMetricsRegistry('edge-agent');
  const registers = [registry];
  return {
    registry,
    fps: new Gauge({ name: 'gridsight_edge_fps', help: 'Frames per second through the detector, per camera', labelNames: ['gateway_id', 'camera_id'], registers }),
    inferenceSeconds: new Histogram({ name: 'gridsight_edge_inference_seconds', help: 'Model run time per frame', labelNames: ['gateway_id'], buckets: STAGE_BUCKETS, registers }),
    stageSeconds: new Histogram({ name: 'gridsight_edge_stage_seconds', help: 'Time per frame in each stage (decode, preprocess, inference, postprocess, track)', labelNames: ['gateway_id', 'stage'], buckets: STAGE_BUCKETS, registers }),
    queueDepth: new Gauge({ name: 'gridsight_edge_frame_queue_depth', help: 'Frames waiting for the detector', labelNames: ['gateway_id'], registers }),
    framesDropped: new Counter({ name: 'gridsight_edge_frames_dropped_total', help: 'Frames dropped because inference could not keep up (oldest of the camera first)', labelNames: ['gateway_id', 'camera_id'], registers }),
    framesFailed: new Counter({ name: 'gridsight_edge_frames_failed_total', help: 'Frames that could not be read or decoded', labelNames: ['gateway_id', 'camera_id', 'code'], registers }),
    eventsBuffered: new Gauge({ name: 'gridsight_edge_events_buffered', help: 'Events on disk waiting for PUBACK', labelNames: ['gateway_id'], registers }),
    eventsBufferedBytes: new Gauge({ name: 'gridsight_edge_events_buffered_bytes', help: 'Bytes of events on disk waiting for PUBACK', labelNames: ['gateway_id'], registers }),
    eventsDropped: new Counter({ name: 'gridsight_edge_events_dropped_total', help: 'Events dropped (oldest first) because the store reached its byte bound', labelNames: ['gateway_id'], registers }),
    eventsPublished: new Counter({ name: 'gridsight_edge_events_published_total', help: 'Events acknowledged by the broker (PUBACK)', labelNames: ['gateway_id'], registers }),
    eventsStored: new Counter({ name: 'gridsight_edge_events_stored_total', help: 'Events written to the store', labelNames: ['gateway_id', 'type'], registers }),
    sensorMessagesRejected: new Counter({ name: 'gridsight_edge_sensor_messages_rejected_total', help: 'MQTT sensor messages that could not be used (reason: too_large, not_json, not_a_number, no_mapped_field, invalid_reading, invalid_time)', labelNames: ['gateway_id', 'sensor_id', 'reason'], registers }),
  };
}
