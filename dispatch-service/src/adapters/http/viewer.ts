import type pg from 'pg';
import type { AccessTokenClaims } from '@gridsight/contracts';
import { ticketScopeFor, type Viewer } from '../../core/ticketScope.js';
import { DispatchError } from '../../errors.js';
import { supervisedCells } from '../db/rosterStore.js';
import { getTicket, type TicketWithEvidence } from '../db/ticketQueries.js';

/** The signed-in person as the scope rules see them; only supervisors cost a query. */
export async function loadViewer(pool: pg.Pool, claims: AccessTokenClaims): Promise<Viewer> {
  return { role: claims.role, id: claims.sub, supervisedCellIds: claims.role === 'supervisor' ? await supervisedCells(pool, claims.sub) : [] };
}

/** The ticket if the person may see it; otherwise the scope's 404 or 403. */
export async function visibleTicket(pool: pg.Pool, ticketId: string, claims: AccessTokenClaims): Promise<TicketWithEvidence> {
  const row = await getTicket(pool, ticketId);
  if (!row) throw new DispatchError('DSP_NOT_FOUND', `no ticket ${ticketId}${claims.role === 'worker' ? ' among your tickets' : ''}`);
  const scope = ticketScopeFor(await loadViewer(pool, claims), { ticketId, cellId: row.cell_id, assigneeId: row.assignee_id, escalatedTo: row.escalated_to });
  if (!scope.ok) throw new DispatchError(scope.code, scope.message);
  return row;
}
