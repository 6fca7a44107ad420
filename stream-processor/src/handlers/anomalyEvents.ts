import { anomalyEventCodec } from '@gridsight/contracts';
import { writeOutbox, type OutboxMessage } from '@gridsight/service-kit';
import type { ClientBase } from 'pg';
import { decide, type DedupeSettings } from '../core/dedupe.js';
import { cellsWithin } from '../core/geo.js';
import { gridCellOf } from '../core/gridCell.js';
import type { IncidentState } from '../core/incidentState.js';
import { lockCells } from '../adapters/db/cellLocks.js';
import { insertDetections, storedEventIds, type DetectionRow } from '../adapters/db/detectionsStore.js';
import { loadGridCellsAround } from '../adapters/db/gridCellsStore.js';
import { loadIncidentsInCells, saveIncidents } from '../adapters/db/incidentsStore.js';
import { snapshotFromBase64, storeSnapshots } from '../adapters/db/snapshotsStore.js';
import { incidentMessage } from './incidentMessage.js';
import { decodeRecords, type HandlerContext, type RecordIn } from './records.js';

export interface AnomalyContext extends HandlerContext {
  dedupe: DedupeSettings;
  repeatWindowDays: number;
  incidentsTopic: string;
}

export interface AnomalyOutcome {
  stored: number;
  duplicates: number;
  invalid: number;
  /** detected/updated events merged into an incident that already existed. */
  merged: number;
  opened: number;
  changes: number;
}

/**
 * One transaction for a batch of `anomaly-events`: lock the cells around every event, skip the
 * events already stored, decide the rest in time order against the incidents loaded under those
 * locks, then write detections, incidents, and the incident and DLQ messages to the outbox.
 * Nothing is kept in memory between batches, so a rebalance or restart starts from the database.
 */
export async function handleAnomalyEvents(client: ClientBase, records: readonly RecordIn[], context: AnomalyContext): Promise<AnomalyOutcome> {
  const { valid, dlq } = decodeRecords(records, anomalyEventCodec, context);
  const outcome: AnomalyOutcome = { stored: 0, duplicates: 0, invalid: dlq.length, merged: 0, opened: 0, changes: 0 };
  const lockRadiusM = context.dedupe.mergeRadiusM + context.dedupe.accuracyCapM;

  const events = [...new Map(valid.map(({ value }) => [value.eventId.toLowerCase(), value])).values()];
  const cellsOf = new Map(events.map((e) => [e.eventId, cellsWithin(e.location, lockRadiusM)]));
  const cells = [...new Set([...cellsOf.values()].flat())].sort();
  await lockCells(client, cells);

  const stored = await storedEventIds(client, events.map((e) => e.eventId));
  const fresh = events
    .filter((e) => !stored.has(e.eventId.toLowerCase()))
    .sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt) || a.eventId.localeCompare(b.eventId));
  outcome.duplicates = valid.length - fresh.length;

  const snapshots = fresh.flatMap((e) => (e.snapshot ? [{ eventId: e.eventId, ...snapshotFromBase64(e.snapshot) }] : []));
  const snapshotIds = await storeSnapshots(client, snapshots);
  const snapshotOf = new Map(snapshots.map((s) => [s.eventId, snapshotIds.get(s.sha256)]));

  const byCell = new Map<string, Map<string, IncidentState>>();
  const remember = (incident: IncidentState): void => {
    let cell = byCell.get(incident.geoCell);
    if (!cell) byCell.set(incident.geoCell, (cell = new Map()));
    cell.set(incident.incidentId, incident);
  };
  const kinds = [...new Set(fresh.map((e) => e.kind))];
  for (const incident of await loadIncidentsInCells(client, cells, kinds, context.repeatWindowDays)) remember(incident);
  const gridCells = await loadGridCellsAround(client, fresh.map((e) => e.location));

  const detections: DetectionRow[] = [];
  const changed = new Map<string, IncidentState>();
  const messages: OutboxMessage[] = [];
  const decidedAt = context.now();
  for (const event of fresh) {
    const nearby = cellsOf.get(event.eventId)!.flatMap((cell) => [...(byCell.get(cell)?.values() ?? [])]);
    const snapshotId = snapshotOf.get(event.eventId);
    const cellId = gridCellOf(event.location, gridCells);
    const decision = decide({ event, ...(snapshotId ? { snapshotId } : {}), ...(cellId ? { cellId } : {}) }, nearby, context.dedupe);
    detections.push({ event, ...(snapshotId ? { snapshotId } : {}), ...(cellId ? { cellId } : {}), ...(decision.incidentId ? { incidentId: decision.incidentId } : {}) });
    if (!decision.change) continue;
    const { change, incident } = decision.change;
    remember(incident);
    changed.set(incident.incidentId, incident);
    messages.push(incidentMessage(change, incident, event, decidedAt, context.incidentsTopic));
    outcome.changes++;
    if (change === 'opened') outcome.opened++;
    else if (event.type !== 'cleared') outcome.merged++;
  }

  outcome.stored = await insertDetections(client, detections);
  await saveIncidents(client, [...changed.values()]);
  await writeOutbox(client, [...messages, ...dlq]);
  return outcome;
}
