import type { TSchema } from '@sinclair/typebox';
import { AnomalyEvent } from './schemas/anomalyEvent.js';
import { DlqRecord } from './schemas/dlqRecord.js';
import { GatewayStatus, GatewayStatusRecord } from './schemas/gatewayStatus.js';
import { IncidentEvent } from './schemas/incidentEvent.js';
import { SensorTelemetry } from './schemas/sensorTelemetry.js';
import { TicketEvent } from './schemas/ticketEvent.js';

/** File name → JSON Schema (draft 2020-12 compatible subset), for gateway makers and integrators. */
export function exportedJsonSchemas(): Record<string, object> {
  const entries: [string, TSchema][] = [
    ['anomaly-v1.schema.json', AnomalyEvent],
    ['gateway-status-v1.schema.json', GatewayStatus],
    ['gateway-status-record-v1.schema.json', GatewayStatusRecord],
    ['telemetry-v1.schema.json', SensorTelemetry],
    ['incident-v1.schema.json', IncidentEvent],
    ['ticket-event-v1.schema.json', TicketEvent],
    ['dlq-v1.schema.json', DlqRecord],
  ];
  // JSON round trip drops TypeBox's symbol-keyed bookkeeping, leaving plain JSON Schema.
  return Object.fromEntries(
    entries.map(([file, schema]) => [file, { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(schema)) }]),
  );
}
