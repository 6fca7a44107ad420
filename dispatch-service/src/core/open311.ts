import { ANOMALY_KINDS, type AnomalyEvent, type AnomalyKind, type TicketStatus } from '@gridsight/contracts';
import { requestFingerprint } from './idempotencyKey.js';

/** The GeoReport v2 service list: one service per anomaly kind, in both languages the app speaks. */
export const OPEN311_SERVICES: Record<AnomalyKind, { name: string; description: string; group: string }> = {
  manhole_open: { name: '井盖缺失 / Open manhole', description: 'A manhole without its cover, or with a broken cover', group: 'roads' },
  garbage_pile: { name: '垃圾堆积 / Garbage pile', description: 'Garbage dumped or piled up in the street', group: 'sanitation' },
  bin_full: { name: '垃圾桶满溢 / Full bin', description: 'A street bin that is full or overflowing', group: 'sanitation' },
};

const CLOSED: readonly TicketStatus[] = ['verified', 'closed', 'cancelled'];

/** GeoReport v2 knows two states; a resolved ticket still waits for verification, so it stays open. */
export function open311Status(status: TicketStatus): 'open' | 'closed' {
  return CLOSED.includes(status) ? 'closed' : 'open';
}

export interface CitizenReport {
  reportId: string;
  eventId: string;
  serviceCode: AnomalyKind;
  lat: number;
  lon: number;
  description?: string;
  receivedAt: Date;
}

/** A phone's position from a citizen: about the size of a building. */
const CITIZEN_ACCURACY_M = 30;

/**
 * A citizen report becomes an ordinary `anomaly/v1` event from the `open311` intake channel, so it
 * is validated, deduped and dispatched exactly like a camera sighting of the same problem.
 */
export function citizenEvent(report: CitizenReport): AnomalyEvent {
  return {
    schema: 'anomaly/v1',
    eventId: report.eventId,
    type: 'detected',
    kind: report.serviceCode,
    source: { type: 'citizen', gatewayId: 'open311', deviceId: report.reportId },
    observedAt: report.receivedAt.toISOString(),
    confidence: 1,
    location: { lat: report.lat, lon: report.lon, accuracyM: CITIZEN_ACCURACY_M },
    ...(report.description ? { note: report.description } : {}),
  };
}

export function isServiceCode(code: string): code is AnomalyKind {
  return (ANOMALY_KINDS as readonly string[]).includes(code);
}

/** What makes two POSTs the same report: the fields that are stored, as the report would store them. */
export interface ReportFields {
  serviceCode: AnomalyKind;
  lat: number;
  lon: number;
  description: string | null;
  address: string | null;
}

export function reportFingerprint(fields: ReportFields): string {
  return requestFingerprint([fields.serviceCode, fields.lat, fields.lon, fields.description, fields.address]);
}
