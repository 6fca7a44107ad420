import type { IncidentChange, Source } from '@gridsight/contracts';
import { sourceKey, type Cause, type HeldSightings, type IncidentState } from './incidentState.js';

/** One event's effect on an incident, as `decide` returned it (its version one above the previous change's). */
export interface DecidedChange {
  change: IncidentChange;
  incident: IncidentState;
  cause: Cause;
}

export interface Coalesced {
  /** What to announce, in the order decided, with versions renumbered to count announcements. */
  announcements: DecidedChange[];
  /**
   * Each incident's state after the batch, its version that of its last announcement, with when
   * that was and the sightings held back since.
   */
  latest: Map<string, IncidentState>;
}

export interface AnnouncementPolicy {
  /** Plain sightings of one incident are announced at most once per this many ms; 0 announces every batch's. */
  sightingIntervalMs: number;
  now: Date;
}

const EVERY_BATCH: AnnouncementPolicy = { sightingIntervalMs: 0, now: new Date(0) };

const sameSource = (a: Source, b: Source): boolean => a.type === b.type && a.gatewayId === b.gatewayId && a.deviceId === b.deviceId;

// A plain sighting only adds to the record; an opening, clearing, reopening, a source reporting
// the problem gone, or a source seen for the first time, is news on its own.
function isPlainSighting(d: DecidedChange, before: IncidentState | undefined): boolean {
  if (d.change !== 'updated' || d.cause.type === 'cleared' || !before) return false;
  const key = sourceKey(d.cause.source);
  return before.sources.some((s) => sourceKey(s) === key);
}

/** Only the fields an announcement names: an event's snapshot must not be kept in the incident row. */
export const causeOf = (cause: Cause): Cause => ({ eventId: cause.eventId, type: cause.type, source: cause.source, observedAt: cause.observedAt });

const withoutThrottle = (incident: IncidentState): IncidentState => {
  const { announcedAt: _announcedAt, held: _held, ...state } = incident;
  return state;
};

/** A run of plain sightings not announced yet: its last, and the raiser's last when another source's came after it. */
interface Run {
  last?: DecidedChange;
  raiser?: DecidedChange;
}

function heldRun(incident: IncidentState): Run {
  const { held } = incident;
  if (!held) return {};
  const last: DecidedChange = { change: 'updated', incident: withoutThrottle(incident), cause: held.last };
  const raiser: DecidedChange | undefined = held.raiser
    ? { change: 'updated', incident: held.raiser.incident, cause: held.raiser.cause }
    : sameSource(held.last.source, incident.raisedBy)
      ? last
      : undefined;
  return { last, ...(raiser ? { raiser } : {}) };
}

// The raiser's sighting precedes the run's last (or is it), so this keeps the decided order.
const runAnnouncements = (run: Run): DecidedChange[] => [...(run.raiser && run.raiser !== run.last ? [run.raiser] : []), ...(run.last ? [run.last] : [])];

const numbered = (changes: readonly DecidedChange[], fromVersion: number): DecidedChange[] =>
  changes.map((d, i) => ({ ...d, incident: { ...withoutThrottle(d.incident), version: fromVersion + i } }));

/**
 * Which of one batch's per-event changes are announced, across batches. Every `opened`, `cleared`
 * and `reopened`, every `updated` caused by a `cleared` report, and every `updated` by a source
 * the incident had not seen, is announced at once. The plain sightings between them form a run,
 * announced once with the state after its last sighting; and when the raising source sighted it
 * within the run but not last, also once with the state after that source's last sighting,
 * because dispatch reopens a resolved ticket on the raiser's word (cause from the raiser,
 * `lastSeenAt` past the grace). A run is announced when news ends it, or at the end of a batch
 * once `sightingIntervalMs` has passed since the incident's last announcement; until then it is
 * held in the incident (`held`, with `dueAt`), and the next batch of that incident or the flush
 * (`releaseHeld`) goes on from it. Dropping the earlier sightings of a run loses nothing a
 * consumer acts on: the state only grows (more sightings, later `lastSeenAt`, more sources), so
 * the kept announcement carries all of it.
 *
 * `before` holds each incident as loaded, before the batch's changes; without it (or with no
 * interval) every run ends with its batch, as before throttling. Versions count announcements: an
 * incident's announced versions stay 1, 2, 3… with no gap, and the stored incident carries the
 * version of its last announcement.
 */
export function coalesceChanges(
  changes: readonly DecidedChange[],
  before: ReadonlyMap<string, IncidentState> = new Map(),
  policy: AnnouncementPolicy = EVERY_BATCH,
): Coalesced {
  const byIncident = new Map<string, number[]>();
  changes.forEach((d, index) => {
    const list = byIncident.get(d.incident.incidentId);
    if (list) list.push(index);
    else byIncident.set(d.incident.incidentId, [index]);
  });
  const now = policy.now.toISOString();
  const ordered: Array<{ at: number; d: DecidedChange }> = [];
  const latest = new Map<string, IncidentState>();

  for (const [id, indices] of byIncident) {
    const loaded = before.get(id);
    // decide raises the version by one per change, so the first change's is one above the version before the batch.
    const baseVersion = loaded?.version ?? changes[indices[0]!]!.incident.version - 1;
    let announcedAt = loaded?.announcedAt;
    // Positions in `changes`; a sighting held from an earlier batch goes before all of this batch's.
    const at = new Map<DecidedChange, number>();
    let run: Run = loaded ? heldRun(loaded) : {};
    const kept: DecidedChange[] = [];
    const endRun = (): void => {
      kept.push(...runAnnouncements(run));
      run = {};
    };
    let previous = loaded;
    for (const index of indices) {
      const d = changes[index]!;
      at.set(d, index);
      if (isPlainSighting(d, previous)) {
        run = { ...run, last: d };
        if (sameSource(d.cause.source, d.incident.raisedBy)) run.raiser = d;
      } else {
        endRun();
        kept.push(d);
        announcedAt = now;
      }
      previous = d.incident;
    }
    let held: HeldSightings | undefined;
    if (run.last) {
      const due = announcedAt === undefined ? 0 : Date.parse(announcedAt) + policy.sightingIntervalMs;
      if (policy.sightingIntervalMs === 0 || due <= policy.now.getTime()) {
        endRun();
        announcedAt = now;
      } else {
        const { last, raiser } = run;
        held = {
          last: causeOf(last.cause),
          ...(raiser && raiser !== last ? { raiser: { cause: causeOf(raiser.cause), incident: withoutThrottle(raiser.incident) } } : {}),
          dueAt: new Date(due).toISOString(),
        };
      }
    }
    const announced = numbered(kept, baseVersion + 1);
    announced.forEach((d, i) => ordered.push({ at: at.get(kept[i]!) ?? -1, d }));
    latest.set(id, {
      ...withoutThrottle(changes[indices.at(-1)!]!.incident),
      version: baseVersion + announced.length,
      ...(announcedAt !== undefined ? { announcedAt } : {}),
      ...(held ? { held } : {}),
    });
  }
  // Stable: an incident's held sightings (at -1) keep their place before its changes of this batch.
  ordered.sort((a, b) => a.at - b.at);
  return { announcements: ordered.map((o) => o.d), latest };
}

/**
 * Announces an incident's held sightings now (the trailing announcement once their interval has
 * passed, or before a change that does not come from a sighting, such as its closing). Returns
 * the announcements, versions numbered on, and the incident with nothing held.
 */
export function releaseHeld(incident: IncidentState, now: Date): { announcements: DecidedChange[]; incident: IncidentState } {
  if (!incident.held) return { announcements: [], incident };
  const announcements = numbered(runAnnouncements(heldRun(incident)), incident.version + 1);
  return { announcements, incident: { ...withoutThrottle(incident), version: incident.version + announcements.length, announcedAt: now.toISOString() } };
}
