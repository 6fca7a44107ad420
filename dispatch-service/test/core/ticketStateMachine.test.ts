import assert from 'node:assert/strict';
import type { TicketStatus } from '@gridsight/contracts';
import { DEFAULT_SLA_TABLE } from '../../src/core/slaPolicy.js';
import { decideTransition, TRANSITION_RULES, type TicketState, type TransitionRequest } from '../../src/core/ticketStateMachine.js';

const now = new Date('2026-11-28T09:00:00.000Z');
const sla = DEFAULT_SLA_TABLE.manhole_open;
const ticket = (status: TicketStatus, extra: Partial<TicketState> = {}): TicketState => ({ status, assigneeId: 'w-a', escalated: false, acceptBy: null, ...extra });
const worker = (id = 'w-a') => ({ type: 'worker' as const, id });
const supervisor = { type: 'supervisor' as const, id: 's-1' };
const system = { type: 'system' as const };

function expectOk(state: TicketState, request: TransitionRequest) {
  const decision = decideTransition(state, request, sla, now);
  assert.ok(decision.ok, !decision.ok ? decision.refusal.message : '');
  return decision.change;
}
function expectRefused(state: TicketState, request: TransitionRequest, code: string, pattern: RegExp) {
  const decision = decideTransition(state, request, sla, now);
  assert.ok(!decision.ok, `expected ${request.transition} from ${state.status} to be refused`);
  assert.equal(decision.refusal.code, code);
  assert.match(decision.refusal.message, pattern);
}

describe('ticket state machine', () => {
  it('walks the happy path new → assigned → accepted → in_progress → resolved → verified → closed', () => {
    const assigned = expectOk(ticket('new', { assigneeId: null }), { transition: 'assigned', actor: system, assigneeId: 'w-a' });
    assert.equal(assigned.to, 'assigned');
    assert.equal(assigned.assigneeId, 'w-a');
    assert.equal(assigned.acceptBy?.toISOString(), '2026-11-28T09:10:00.000Z', 'a P1 manhole must be accepted within 10 minutes');
    const accepted = expectOk(ticket('assigned', { acceptBy: assigned.acceptBy }), { transition: 'accepted', actor: worker() });
    assert.equal(accepted.to, 'accepted');
    assert.equal(accepted.acceptBy, null, 'accepting closes the accept window');
    assert.equal(expectOk(ticket('accepted'), { transition: 'started', actor: worker() }).to, 'in_progress');
    assert.equal(expectOk(ticket('in_progress'), { transition: 'resolved', actor: worker(), photoUrl: '/p/1' }).to, 'resolved');
    assert.equal(expectOk(ticket('resolved'), { transition: 'verified', actor: { type: 'camera', id: 'gw:cam' } }).to, 'verified');
    assert.equal(expectOk(ticket('verified'), { transition: 'closed', actor: system }).to, 'closed');
  });

  it('refuses resolving an unaccepted ticket, naming the status it needs', () => {
    expectRefused(ticket('assigned'), { transition: 'resolved', actor: worker(), photoUrl: '/p/1' }, 'DSP_TRANSITION_NOT_ALLOWED', /assigned ticket cannot be resolved; it must be in_progress/);
  });

  it('lets only the assigned worker accept, start and resolve', () => {
    expectRefused(ticket('assigned'), { transition: 'accepted', actor: worker('w-b') }, 'DSP_FORBIDDEN', /only the assigned worker/);
    expectRefused(ticket('assigned'), { transition: 'accepted', actor: supervisor }, 'DSP_FORBIDDEN', /a supervisor may not make a ticket accepted/);
  });

  it('keeps verification, rejection and cancellation from workers', () => {
    for (const transition of ['verified', 'rejected', 'cancelled', 'reopened'] as const) {
      expectRefused(ticket('resolved'), { transition, actor: worker(), note: 'x' }, 'DSP_FORBIDDEN', /a worker may not/);
    }
  });

  it('needs a photo to resolve and a note to reject or cancel', () => {
    expectRefused(ticket('in_progress'), { transition: 'resolved', actor: worker() }, 'DSP_BAD_REQUEST', /needs a photo/);
    expectRefused(ticket('resolved'), { transition: 'rejected', actor: supervisor, note: '  ' }, 'DSP_BAD_REQUEST', /needs a note/);
    expectRefused(ticket('assigned'), { transition: 'cancelled', actor: supervisor }, 'DSP_BAD_REQUEST', /needs a note/);
  });

  it('sends a rejected ticket back to work and a reopened one back to its worker with a new accept window', () => {
    assert.equal(expectOk(ticket('resolved'), { transition: 'rejected', actor: supervisor, note: 'photo shows the lid still off' }).to, 'in_progress');
    const reopened = expectOk(ticket('resolved'), { transition: 'reopened', actor: { type: 'camera', id: 'gw:cam' } });
    assert.equal(reopened.to, 'assigned');
    assert.equal(reopened.assigneeId, 'w-a');
    assert.ok(reopened.reopened);
    assert.ok(reopened.acceptBy);
  });

  it('reassigns to someone else only, with a fresh accept window', () => {
    expectRefused(ticket('assigned'), { transition: 'reassigned', actor: system, assigneeId: 'w-a' }, 'DSP_TRANSITION_NOT_ALLOWED', /already assigned to w-a/);
    const change = expectOk(ticket('assigned', { acceptBy: new Date(0) }), { transition: 'reassigned', actor: system, assigneeId: 'w-b' });
    assert.equal(change.assigneeId, 'w-b');
    assert.equal(change.acceptBy?.toISOString(), '2026-11-28T09:10:00.000Z');
  });

  it('escalates once, keeping the status, and closes the accept window only when nobody else can take it', () => {
    const acceptBy = new Date('2026-11-28T08:59:00.000Z');
    const breach = expectOk(ticket('assigned', { acceptBy }), { transition: 'escalated', actor: system, escalateTo: 's-1', reason: 'sla_breach' });
    assert.equal(breach.to, 'assigned');
    assert.ok(breach.escalated);
    assert.equal(breach.escalateTo, 's-1');
    assert.equal(breach.acceptBy, acceptBy);
    assert.equal(expectOk(ticket('assigned', { acceptBy }), { transition: 'escalated', actor: system, reason: 'accept_timeout' }).acceptBy, null);
    expectRefused(ticket('in_progress', { escalated: true }), { transition: 'escalated', actor: system }, 'DSP_TRANSITION_NOT_ALLOWED', /already escalated/);
  });

  it('leaves closed and cancelled tickets final', () => {
    for (const status of ['closed', 'cancelled'] as const) {
      for (const transition of Object.keys(TRANSITION_RULES) as (keyof typeof TRANSITION_RULES)[]) {
        const decision = decideTransition(ticket(status), { transition, actor: supervisor, note: 'n', assigneeId: 'w-b', photoUrl: '/p' }, sla, now);
        assert.ok(!decision.ok, `${transition} from ${status} must be refused`);
      }
    }
  });
});
