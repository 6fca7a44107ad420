import { AnomalyEvent, SNAPSHOT_MAX_BASE64_CHARS } from './schemas/anomalyEvent.js';
import { DlqRecord, DLQ_PAYLOAD_MAX_BYTES } from './schemas/dlqRecord.js';
import { GatewayStatus, GatewayStatusRecord } from './schemas/gatewayStatus.js';
import { IncidentEvent } from './schemas/incidentEvent.js';
import { SensorTelemetry } from './schemas/sensorTelemetry.js';
import { TicketEvent } from './schemas/ticketEvent.js';
import { anomalyEventRules } from './validation/anomalyEventRules.js';
import { createCodec } from './validation/codec.js';

// Room for a full snapshot plus every other field at its maximum, and no more.
const ANOMALY_EVENT_MAX_BYTES = SNAPSHOT_MAX_BASE64_CHARS + 8 * 1024;

export const anomalyEventCodec = createCodec(AnomalyEvent, {
  messageType: 'AnomalyEvent',
  maxBytes: ANOMALY_EVENT_MAX_BYTES,
  semanticCheck: anomalyEventRules,
});
export const gatewayStatusCodec = createCodec(GatewayStatus, { messageType: 'GatewayStatus', maxBytes: 32 * 1024 });
export const gatewayStatusRecordCodec = createCodec(GatewayStatusRecord, { messageType: 'GatewayStatusRecord', maxBytes: 36 * 1024 });
export const sensorTelemetryCodec = createCodec(SensorTelemetry, { messageType: 'SensorTelemetry', maxBytes: 16 * 1024 });
export const incidentEventCodec = createCodec(IncidentEvent, { messageType: 'IncidentEvent', maxBytes: 64 * 1024 });
export const ticketEventCodec = createCodec(TicketEvent, { messageType: 'TicketEvent', maxBytes: 16 * 1024 });
export const dlqRecordCodec = createCodec(DlqRecord, {
  messageType: 'DlqRecord',
  maxBytes: Math.ceil(DLQ_PAYLOAD_MAX_BYTES / 3) * 4 + 16 * 1024,
});
