export { decideTransition, TRANSITION_RULES, type Actor, type ActorType, type TicketChange, type TicketState, type TransitionRequest } from './core/ticketStateMachine.js';
export { DEFAULT_SLA_TABLE, acceptDeadline, resolveDeadline, compareUrgency, type SlaRule, type SlaTable } from './core/slaPolicy.js';
export { chooseAssignee, type AssignmentDecision, type RosterEntry } from './core/assignment.js';
export { verificationFor } from './core/verification.js';
export { isOnDuty, type WeeklyShift } from './core/shifts.js';
export {
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  verifyWebhookSignature,
  webhookSignature,
} from './core/webhooks.js';
export { DISPATCH_ERRORS, DispatchError, type DispatchErrorCode } from './errors.js';
