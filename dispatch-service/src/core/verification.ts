import type { IncidentEvent, Source, TicketStatus } from '@gridsight/contracts';
import type { Actor, RequestedTransition } from './ticketStateMachine.js';

export interface VerificationInput {
  status: TicketStatus;
  resolvedAt: Date | null;
}

export interface VerificationOutcome {
  transition: Extract<RequestedTransition, 'verified' | 'reopened' | 'closed'>;
  actor: Actor;
  note: string;
}

function sameSource(a: Source, b: Source): boolean {
  return a.type === b.type && a.gatewayId === b.gatewayId && a.deviceId === b.deviceId;
}

function sourceId(source: Source): string {
  return `${source.gatewayId}:${source.deviceId}`.slice(0, 64);
}

/**
 * What an incident change means for its ticket:
 * - while the ticket is resolved, the camera that raised the incident reports `cleared` (the
 *   stream-processor announces that as `updated` with cause type `cleared` while other devices
 *   still see it), or the incident itself is `cleared` because every device that saw it has said
 *   so, whoever spoke last → verified;
 * - that camera still sees it more than `reopenGraceMs` after the worker resolved it → reopened
 *   (the grace lets the camera's own clear-after-T-seconds logic catch up with the fix);
 * - the incident is closed once the ticket is verified → closed.
 * Anything else changes nothing; a replayed event finds the ticket already moved on and does nothing again.
 */
export function verificationFor(ticket: VerificationInput, event: IncidentEvent, reopenGraceMs: number): VerificationOutcome | undefined {
  const { incident, cause } = event;
  const fromRaiser = cause !== undefined && sameSource(cause.source, incident.raisedBy);

  const raiserCleared = fromRaiser && cause.type === 'cleared';
  if ((event.change === 'cleared' || raiserCleared) && ticket.status === 'resolved' && cause !== undefined) {
    const note = raiserCleared ? 'the camera that raised the incident no longer sees it' : 'no device that saw the problem sees it any more';
    return { transition: 'verified', actor: { type: 'camera', id: sourceId(cause.source) }, note };
  }
  if ((event.change === 'updated' || event.change === 'reopened') && fromRaiser && cause.type !== 'cleared') {
    const stillSeenAt = new Date(incident.lastSeenAt).getTime();
    const resolvedAt = ticket.resolvedAt?.getTime();
    if ((ticket.status === 'resolved' || ticket.status === 'verified') && resolvedAt !== undefined && stillSeenAt > resolvedAt + reopenGraceMs) {
      return {
        transition: 'reopened',
        actor: { type: 'camera', id: sourceId(cause.source) },
        note: `the camera that raised the incident still saw it at ${incident.lastSeenAt}, after the ticket was resolved`,
      };
    }
  }
  if (event.change === 'closed' && ticket.status === 'verified') {
    return { transition: 'closed', actor: { type: 'system' }, note: 'the incident was closed' };
  }
  return undefined;
}
