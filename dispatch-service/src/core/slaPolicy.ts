import type { AnomalyKind, TicketPriority } from '@gridsight/contracts';

export interface SlaRule {
  priority: TicketPriority;
  /** From assignment to acceptance; past it the ticket goes to another worker. */
  acceptWithinMinutes: number;
  /** From the first sighting to resolution; past it the ticket is escalated to the cell's supervisor. */
  resolveWithinMinutes: number;
}
export type SlaTable = Readonly<Record<AnomalyKind, SlaRule>>;

/**
 * An open manhole can injure someone within minutes; a pile of garbage is a nuisance for a day.
 * A full bin sits in between: it turns into a pile if left, so it waits at most for the next
 * collection round (half a day), at the priority of garbage.
 */
export const DEFAULT_SLA_TABLE: SlaTable = {
  manhole_open: { priority: 'P1', acceptWithinMinutes: 10, resolveWithinMinutes: 120 },
  garbage_pile: { priority: 'P3', acceptWithinMinutes: 60, resolveWithinMinutes: 24 * 60 },
  bin_full: { priority: 'P3', acceptWithinMinutes: 60, resolveWithinMinutes: 12 * 60 },
};

const MINUTE_MS = 60_000;

export function acceptDeadline(rule: SlaRule, assignedAt: Date): Date {
  return new Date(assignedAt.getTime() + rule.acceptWithinMinutes * MINUTE_MS);
}

/** The clock starts when the problem was first seen, not when dispatch heard of it: the city promises a fix time to citizens. */
export function resolveDeadline(rule: SlaRule, firstSeenAt: Date, now: Date): Date {
  const start = Math.min(firstSeenAt.getTime(), now.getTime());
  return new Date(start + rule.resolveWithinMinutes * MINUTE_MS);
}

const PRIORITY_RANK: Record<TicketPriority, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

/** Most urgent first: priority, then the nearer SLA deadline. */
export function compareUrgency(a: { priority: TicketPriority; dueBy: Date }, b: { priority: TicketPriority; dueBy: Date }): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.dueBy.getTime() - b.dueBy.getTime();
}
