import { inTransaction } from '@gridsight/service-kit';
import { decideTransition, type Actor, type RequestedTransition } from '../core/ticketStateMachine.js';
import { DispatchError } from '../errors.js';
import { ticketScopeFor } from '../core/ticketScope.js';
import { supervisedCells, supervisorOfCell } from '../adapters/db/rosterStore.js';
import { applyChange, loadTicketForUpdate } from '../adapters/db/ticketStore.js';
import type { TicketRow } from '../adapters/db/ticketRows.js';
import type { WorkflowDeps } from './deps.js';

export interface ActionRequest {
  transition: RequestedTransition;
  note?: string;
  photoId?: string;
  assigneeId?: string;
  /** The version the client saw; a mismatch means someone else moved the ticket meanwhile. */
  expectedVersion?: number;
}

/** A person acting on a ticket through the API, within their scope (core/ticketScope.ts). */
export async function actOnTicket(deps: WorkflowDeps, ticketId: string, actor: Actor, request: ActionRequest, photoUrlFor: (photoId: string) => string): Promise<TicketRow> {
  const now = deps.clock();
  return inTransaction(deps.pool, async (client) => {
    const row = await loadTicketForUpdate(client, ticketId);
    if (!row) throw new DispatchError('DSP_NOT_FOUND', `no ticket ${ticketId}${actor.type === 'worker' ? ' among your tickets' : ''}`);
    if (actor.type === 'worker' || actor.type === 'supervisor' || actor.type === 'ops') {
      const viewer = { role: actor.type, id: actor.id ?? '', supervisedCellIds: actor.type === 'supervisor' && actor.id ? await supervisedCells(client, actor.id) : [] };
      const scope = ticketScopeFor(viewer, { ticketId, cellId: row.cell_id, assigneeId: row.assignee_id, escalatedTo: row.escalated_to });
      if (!scope.ok) throw new DispatchError(scope.code, scope.message);
    }
    if (request.expectedVersion !== undefined && request.expectedVersion !== row.version) {
      throw new DispatchError('DSP_VERSION_CONFLICT', `the ticket is at version ${row.version}, not ${request.expectedVersion}: reload it and try again`);
    }
    let photoUrl: string | undefined;
    if (request.photoId !== undefined) {
      const { rows } = await client.query<{ photo_id: string }>('SELECT photo_id FROM ticket_photos WHERE photo_id = $1 AND ticket_id = $2', [request.photoId, ticketId]);
      if (!rows[0]) throw new DispatchError('DSP_BAD_REQUEST', `photoId ${request.photoId} is not a photo uploaded for this ticket`);
      photoUrl = photoUrlFor(request.photoId);
    }
    if (request.assigneeId !== undefined) {
      const { rows } = await client.query('SELECT 1 FROM workers WHERE worker_id = $1 AND role = $2 AND active', [request.assigneeId, 'worker']);
      if (!rows[0]) throw new DispatchError('DSP_BAD_REQUEST', `assigneeId ${request.assigneeId} is not an active grid worker`);
    }
    const escalateTo = request.transition === 'escalated' ? await supervisorOfCell(client, row.cell_id) : null;
    const decision = decideTransition(
      { status: row.status, assigneeId: row.assignee_id, escalated: row.escalated, acceptBy: row.accept_by },
      {
        transition: request.transition,
        actor,
        ...(request.note !== undefined ? { note: request.note } : {}),
        ...(photoUrl !== undefined ? { photoUrl } : {}),
        ...(request.assigneeId !== undefined ? { assigneeId: request.assigneeId } : {}),
        ...(escalateTo ? { escalateTo } : {}),
      },
      deps.config.sla[row.kind],
      now,
    );
    if (!decision.ok) throw new DispatchError(decision.refusal.code, decision.refusal.message);
    return applyChange(
      client,
      row,
      decision.change,
      actor,
      { ...(request.note ? { note: request.note } : {}), ...(photoUrl ? { photoUrl } : {}) },
      now,
      deps.config.kafka.ticketEventsTopic,
    );
  });
}
