import type { TicketStatus, TicketTransition } from '@gridsight/contracts';
import { acceptDeadline, type SlaRule } from './slaPolicy.js';

export type ActorType = 'system' | 'camera' | 'worker' | 'supervisor' | 'ops';
export interface Actor {
  type: ActorType;
  id?: string;
}

/** What the state machine needs to know about a ticket. */
export interface TicketState {
  status: TicketStatus;
  assigneeId: string | null;
  escalated: boolean;
  acceptBy: Date | null;
}

export type RequestedTransition = Exclude<TicketTransition, 'created'>;

export interface TransitionRequest {
  transition: RequestedTransition;
  actor: Actor;
  /** The new assignee, for `assigned` and `reassigned`. */
  assigneeId?: string;
  note?: string;
  photoUrl?: string;
  /** Whom an escalation goes to (the cell's supervisor), when known. */
  escalateTo?: string;
  /** Why the system escalates: an SLA breach, or nobody else on duty to take an unaccepted ticket. */
  reason?: 'sla_breach' | 'accept_timeout';
}

/** The decided change: what to write to the ticket row and the audit trail. */
export interface TicketChange {
  transition: RequestedTransition;
  from: TicketStatus;
  to: TicketStatus;
  assigneeId: string | null;
  acceptBy: Date | null;
  escalated: boolean;
  escalateTo?: string;
  /** Which lifecycle timestamp column this transition stamps. */
  stamps?: 'assigned_at' | 'accepted_at' | 'resolved_at' | 'verified_at' | 'closed_at';
  reopened: boolean;
}

export type TransitionRefusal = {
  code: 'DSP_TRANSITION_NOT_ALLOWED' | 'DSP_FORBIDDEN' | 'DSP_BAD_REQUEST';
  message: string;
};
export type TransitionDecision = { ok: true; change: TicketChange } | { ok: false; refusal: TransitionRefusal };

interface Rule {
  from: readonly TicketStatus[];
  /** `undefined`: the status stays as it is (an escalation changes who watches, not the work). */
  to?: TicketStatus;
  by: readonly ActorType[];
  /** Only the worker the ticket is assigned to may do it. */
  assigneeOnly?: boolean;
  needs?: { photo?: boolean; note?: boolean; assignee?: boolean };
  stamps?: TicketChange['stamps'];
}

const OPEN_STATUSES = ['new', 'assigned', 'accepted', 'in_progress'] as const satisfies readonly TicketStatus[];

/**
 * The whole lifecycle in one table: new → assigned → accepted → in_progress → resolved →
 * verified → closed, plus reassigned, escalated, rejected, reopened and cancelled.
 */
export const TRANSITION_RULES: Readonly<Record<RequestedTransition, Rule>> = {
  assigned: { from: ['new'], to: 'assigned', by: ['system', 'supervisor', 'ops'], needs: { assignee: true }, stamps: 'assigned_at' },
  reassigned: { from: ['assigned', 'accepted', 'in_progress'], to: 'assigned', by: ['system', 'supervisor', 'ops'], needs: { assignee: true }, stamps: 'assigned_at' },
  accepted: { from: ['assigned'], to: 'accepted', by: ['worker'], assigneeOnly: true, stamps: 'accepted_at' },
  started: { from: ['accepted'], to: 'in_progress', by: ['worker'], assigneeOnly: true },
  resolved: { from: ['in_progress'], to: 'resolved', by: ['worker'], assigneeOnly: true, needs: { photo: true }, stamps: 'resolved_at' },
  verified: { from: ['resolved'], to: 'verified', by: ['camera', 'supervisor'], stamps: 'verified_at' },
  rejected: { from: ['resolved'], to: 'in_progress', by: ['supervisor'], needs: { note: true } },
  reopened: { from: ['resolved', 'verified'], to: 'assigned', by: ['camera', 'supervisor'], stamps: 'assigned_at' },
  escalated: { from: OPEN_STATUSES, by: ['system', 'supervisor', 'ops'] },
  closed: { from: ['verified'], to: 'closed', by: ['system', 'supervisor', 'ops'], stamps: 'closed_at' },
  cancelled: { from: [...OPEN_STATUSES, 'resolved'], to: 'cancelled', by: ['supervisor'], needs: { note: true }, stamps: 'closed_at' },
};

/** Decides whether `request` may happen to `ticket` now, and what it changes. Pure: no clock but `now`, no I/O. */
export function decideTransition(ticket: TicketState, request: TransitionRequest, sla: SlaRule, now: Date): TransitionDecision {
  const { transition, actor } = request;
  const rule = TRANSITION_RULES[transition];
  const refuse = (code: TransitionRefusal['code'], message: string): TransitionDecision => ({ ok: false, refusal: { code, message } });

  if (!rule.by.includes(actor.type)) {
    return refuse('DSP_FORBIDDEN', `a ${actor.type} may not make a ticket ${transition}; allowed: ${rule.by.join(', ')}`);
  }
  if (rule.assigneeOnly && (ticket.assigneeId === null || actor.id !== ticket.assigneeId)) {
    return refuse('DSP_FORBIDDEN', `only the assigned worker may make this ticket ${transition}`);
  }
  if (!rule.from.includes(ticket.status)) {
    const article = /^[aeiou]/.test(ticket.status) ? 'an' : 'a';
    return refuse('DSP_TRANSITION_NOT_ALLOWED', `${article} ${ticket.status} ticket cannot be ${transition}; it must be ${rule.from.join(' or ')}`);
  }
  if (transition === 'escalated' && ticket.escalated) {
    return refuse('DSP_TRANSITION_NOT_ALLOWED', 'the ticket is already escalated');
  }
  if (rule.needs?.photo && !request.photoUrl) return refuse('DSP_BAD_REQUEST', `${transition} needs a photo of the fixed place (photoId)`);
  if (rule.needs?.note && !request.note?.trim()) return refuse('DSP_BAD_REQUEST', `${transition} needs a note saying why`);
  if (rule.needs?.assignee && !request.assigneeId) return refuse('DSP_BAD_REQUEST', `${transition} needs an assigneeId`);
  if (transition === 'reassigned' && request.assigneeId === ticket.assigneeId) {
    return refuse('DSP_TRANSITION_NOT_ALLOWED', `the ticket is already assigned to ${request.assigneeId}`);
  }

  const to = rule.to ?? ticket.status;
  const assigneeId = rule.needs?.assignee ? (request.assigneeId ?? null) : ticket.assigneeId;
  // A fresh accept window opens whenever someone newly has to accept, and closes once accepted.
  // An escalation for an unaccepted ticket with nobody else to take it closes the window too:
  // the supervisor now owns the problem, and the timer must not fire again.
  const acceptBy =
    transition === 'escalated' ? (request.reason === 'accept_timeout' ? null : ticket.acceptBy) : to === 'assigned' ? acceptDeadline(sla, now) : null;
  return {
    ok: true,
    change: {
      transition,
      from: ticket.status,
      to,
      assigneeId,
      acceptBy,
      escalated: transition === 'escalated' ? true : ticket.escalated,
      ...(transition === 'escalated' && request.escalateTo ? { escalateTo: request.escalateTo } : {}),
      ...(rule.stamps ? { stamps: rule.stamps } : {}),
      reopened: transition === 'reopened',
    },
  };
}

export function isOpenStatus(status: TicketStatus): boolean {
  return (OPEN_STATUSES as readonly TicketStatus[]).includes(status);
}
