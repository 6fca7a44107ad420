import type { GeoPoint } from '@gridsight/contracts';
import { distanceMetres } from './geo.js';
import { isOnDuty, type WeeklyShift } from './shifts.js';

/** A grid worker as assignment sees them: where they belong, when they work, how busy they are. */
export interface RosterEntry {
  workerId: string;
  homeCellId: string | null;
  /** Centre of the home cell; distance to a ticket is measured from here. */
  homeCentre: GeoPoint | null;
  shifts: readonly WeeklyShift[];
  /** Tickets assigned, accepted or in progress right now. */
  openTickets: number;
}

export interface AssignmentOptions {
  now: Date;
  timeZone: string;
  /** How far from the ticket a worker's home cell may be for them to help out. */
  nearbyRadiusM: number;
  /** Workers not to pick, e.g. the one who let the accept window pass. */
  exclude?: readonly string[];
}

export type AssignmentDecision =
  | { workerId: string; reason: 'cell_owner' | 'nearby'; distanceM: number | null }
  | { workerId: null; reason: 'nobody_on_duty' };

/**
 * The on-duty owner of the ticket's cell first (the least loaded if the cell has several);
 * otherwise the least-loaded on-duty worker whose home cell is near, nearer first on a tie.
 * Ties after that go to the smaller id, so every instance decides alike.
 */
export function chooseAssignee(ticket: { cellId: string | null; location: GeoPoint }, roster: readonly RosterEntry[], options: AssignmentOptions): AssignmentDecision {
  const excluded = new Set(options.exclude ?? []);
  const available = roster
    .filter((w) => !excluded.has(w.workerId) && isOnDuty(w.shifts, options.now, options.timeZone))
    .map((w) => ({ worker: w, distanceM: w.homeCentre ? distanceMetres(w.homeCentre, ticket.location) : null }));
  const byLoadThenDistance = (a: (typeof available)[number], b: (typeof available)[number]): number =>
    a.worker.openTickets - b.worker.openTickets ||
    (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity) ||
    a.worker.workerId.localeCompare(b.worker.workerId);

  const owners = ticket.cellId === null ? [] : available.filter((c) => c.worker.homeCellId === ticket.cellId).sort(byLoadThenDistance);
  if (owners[0]) return { workerId: owners[0].worker.workerId, reason: 'cell_owner', distanceM: owners[0].distanceM };

  const nearby = available.filter((c) => c.distanceM !== null && c.distanceM <= options.nearbyRadiusM).sort(byLoadThenDistance);
  if (nearby[0]) return { workerId: nearby[0].worker.workerId, reason: 'nearby', distanceM: nearby[0].distanceM };
  return { workerId: null, reason: 'nobody_on_duty' };
}
