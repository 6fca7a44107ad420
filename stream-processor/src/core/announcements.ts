import type { AnomalyEvent, IncidentChange, Source } from '@gridsight/contracts';
import type { IncidentState } from './incidentState.js';

/** One event's effect on an incident, as `decide` returned it (its version one above the previous change's). */
export interface DecidedChange {
  change: IncidentChange;
  incident: IncidentState;
  cause: AnomalyEvent;
}

export interface Coalesced {
  /** What to announce, in the order decided, with versions renumbered to count announcements. */
  announcements: DecidedChange[];
  /** Each incident's state after the batch, its version that of its last announcement. */
  latest: Map<string, IncidentState>;
}

const sameSource = (a: Source, b: Source): boolean => a.type === b.type && a.gatewayId === b.gatewayId && a.deviceId === b.deviceId;

// A plain sighting only adds to the record; an opening, clearing, reopening, or a source
// reporting the problem gone, is news on its own.
const isPlainSighting = (d: DecidedChange): boolean => d.change === 'updated' && d.cause.type !== 'cleared';

/**
 * Which of one batch's per-event changes are announced. Every `opened`, `cleared` and `reopened`,
 * and every `updated` caused by a `cleared` report, is announced on its own. A run of plain
 * sightings of one incident between them is announced once, with the state after the run's last
 * sighting; and when the raising source sighted it within the run but not last, also once with
 * the state after that source's last sighting, because dispatch reopens a resolved ticket on the
 * raiser's word (cause from the raiser, `lastSeenAt` past the grace). Dropping the earlier
 * sightings of a run loses nothing a consumer acts on: the state only grows (more sightings,
 * later `lastSeenAt`, more sources), so the kept announcement carries all of it.
 *
 * Versions count announcements: an incident's announced versions stay 1, 2, 3… with no gap, and
 * the stored incident carries the version of its last announcement.
 */
export function coalesceChanges(changes: readonly DecidedChange[]): Coalesced {
  const indicesOf = new Map<string, number[]>();
  changes.forEach((d, index) => {
    const list = indicesOf.get(d.incident.incidentId);
    if (list) list.push(index);
    else indicesOf.set(d.incident.incidentId, [index]);
  });

  const kept = new Set<number>();
  for (const indices of indicesOf.values()) {
    let runLast = -1;
    let runRaiser = -1;
    const endRun = (): void => {
      if (runLast >= 0) kept.add(runLast);
      if (runRaiser >= 0) kept.add(runRaiser);
      runLast = runRaiser = -1;
    };
    for (const index of indices) {
      const d = changes[index]!;
      if (!isPlainSighting(d)) {
        endRun();
        kept.add(index);
        continue;
      }
      runLast = index;
      if (sameSource(d.cause.source, d.incident.raisedBy)) runRaiser = index;
    }
    endRun();
  }

  const nextVersion = new Map<string, number>();
  const announcements: DecidedChange[] = [];
  const latest = new Map<string, IncidentState>();
  changes.forEach((d, index) => {
    if (!kept.has(index)) return;
    const id = d.incident.incidentId;
    // decide raises the version by one per change, so the first change's is one above the version before the batch.
    const version = nextVersion.get(id) ?? changes[indicesOf.get(id)![0]!]!.incident.version;
    nextVersion.set(id, version + 1);
    const incident = { ...d.incident, version };
    announcements.push({ ...d, incident });
    latest.set(id, incident);
  });
  return { announcements, latest };
}

