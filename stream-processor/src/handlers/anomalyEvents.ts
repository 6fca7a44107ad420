import { anomalyEventCodec } from '@gridsight/contracts';
import { writeOutbox, type OutboxMessage } from '@gridsight/service-kit';
import type { ClientBase } from 'pg';
import { coalesceChanges, type DecidedChange } from '../core/announcements.js';
import { decide, type DedupeSettings } from '../core/dedupe.js';
import { cellsWithin } from '../core/geo.js';
import { gridCellOf } from '../core/gridCell.js';
import { createIncidentIndex } from '../core/incidentIndex.js';
import { lockCells } from '../adapters/db/cellLocks.js';
import { insertDetections, storedEventIds, type DetectionRow } from '../adapters/db/detectionsStore.js';
import { loadGridCellsAround } from '../adapters/db/gridCellsStore.js';
import { loadIncidentsInCells, saveIncidents } from '../adapters/db/incidentsStore.js';
import { snapshotFromBase64, storeSnapshots } from '../adapters/db/snapshotsStore.js';
import { incidentMessage } from './incidentMessage.js';
import { decodeRecords, type HandlerContext, type RecordIn } from './records.js';

export interface AnomalyContext extends HandlerContext {
  dedupe: DedupeSettings;
  /** Plain sightings of one incident are announced at most once per this many ms (see coalesceChanges). */
  sightingAnnounceIntervalMs: number;
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
  /** Announcements written: a run of sightings of one incident is one, and may wait for a later batch or the flush (see coalesceChanges). */
  changes: number;
}

/**
 * One transaction for a batch of `anomaly-events`: lock the cells around every event, skip the
 * events already stored, decide the rest in time order against the incidents loaded under those
 * locks, then write detections, incidents, and the incident and DLQ messages to the outbox
 * (plain sightings of one incident coalesced and throttled, see coalesceChanges).
 * Nothing is kept in memory between batches, so a rebalance or restart starts from the database.
 */
export async function handleAnomalyEvents(client: ClientBase, records: readonly RecordIn[], context: AnomalyContext): Promise<AnomalyOutcome> {
  const { valid, dlq } = decodeRecords(records, anomalyEventCodec, context);
  const outcome: AnomalyOutcome = { stored: 0, duplicates: 0, invalid: dlq.length, merged: 0, opened: 0, changes: 0 };
  const lockRadiusM = context.dedupe.mergeRadiusM + context.dedupe.accuracyCapM;

  const events = [...new Map(valid.map(({ value }) => [value.eventId.toLowerCase(), value])).values()];
  const cells = [...new Set(events.flatMap((e) => cellsWithin(e.location, lockRadiusM)))].sort();
  await lockCells(client, cells);

  const stored = await storedEventIds(client, events.map((e) => e.eventId));
  const fresh = events
    .filter((e) => !stored.has(e.eventId.toLowerCase()))
    .map((event) => ({ event, at: Date.parse(event.observedAt), id: event.eventId.toLowerCase() }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ event }) => event);
  outcome.duplicates = valid.length - fresh.length;

  const snapshots = fresh.flatMap((e) => (e.snapshot ? [{ eventId: e.eventId, ...snapshotFromBase64(e.snapshot) }] : []));
  const snapshotIds = await storeSnapshots(client, snapshots);
  const snapshotOf = new Map(snapshots.map((s) => [s.eventId, snapshotIds.get(s.sha256)]));

  const kinds = [...new Set(fresh.map((e) => e.kind))];
  const loaded = await loadIncidentsInCells(client, cells, kinds, context.repeatWindowDays);
  const index = createIncidentIndex(loaded);
  const gridCells = await loadGridCellsAround(client, fresh.map((e) => e.location));

  const detections: DetectionRow[] = [];
  const decided: DecidedChange[] = [];
  for (const event of fresh) {
    const nearby = index.near(event.location, lockRadiusM, event.kind);
    const snapshotId = snapshotOf.get(event.eventId);
    const cellId = gridCellOf(event.location, gridCells);
    const decision = decide({ event, ...(snapshotId ? { snapshotId } : {}), ...(cellId ? { cellId } : {}) }, nearby, context.dedupe);
    detections.push({ event, ...(snapshotId ? { snapshotId } : {}), ...(cellId ? { cellId } : {}), ...(decision.incidentId ? { incidentId: decision.incidentId } : {}) });
    if (!decision.change) continue;
    const { change, incident } = decision.change;
    index.put(incident);
    decided.push({ change, incident, cause: event });
    if (change === 'opened') outcome.opened++;
    else if (event.type !== 'cleared') outcome.merged++;
  }
  const decidedAt = context.now();
  const { announcements, latest } = coalesceChanges(decided, new Map(loaded.map((i) => [i.incidentId, i])), {
    sightingIntervalMs: context.sightingAnnounceIntervalMs,
    now: decidedAt,
  });
  const messages: OutboxMessage[] = announcements.map((a) => incidentMessage(a.change, a.incident, a.cause, decidedAt, context.incidentsTopic));
  outcome.changes = announcements.length;

  outcome.stored = await insertDetections(client, detections);
  await saveIncidents(client, [...latest.values()]);
  await writeOutbox(client, [...messages, ...dlq]);
  return outcome;
}
