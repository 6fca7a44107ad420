import type { AccessTokenRole } from '@gridsight/contracts';

/** Who is looking, and for a supervisor the grid cells they supervise. */
export interface Viewer {
  role: AccessTokenRole;
  id: string;
  supervisedCellIds: readonly string[];
}

export interface ScopedTicket {
  ticketId: string;
  cellId: string | null;
  assigneeId: string | null;
  escalatedTo: string | null;
}

export type ScopeVerdict = { ok: true } | { ok: false; code: 'DSP_NOT_FOUND' | 'DSP_FORBIDDEN'; message: string };

/**
 * Workers see only the tickets they hold; supervisors the tickets of cells they supervise, and
 * any ticket escalated to them by name; ops staff everything. A worker is told "not found" so that
 * other people's tickets leak nothing; a supervisor, who may see those cells on the map anyway,
 * is told whose cell it is so the refusal explains itself.
 */
export function ticketScopeFor(viewer: Viewer, ticket: ScopedTicket): ScopeVerdict {
  switch (viewer.role) {
    case 'ops':
      return { ok: true };
    case 'worker':
      return ticket.assigneeId === viewer.id ? { ok: true } : { ok: false, code: 'DSP_NOT_FOUND', message: `no ticket ${ticket.ticketId} among your tickets` };
    case 'supervisor':
      if (ticket.escalatedTo === viewer.id) return { ok: true };
      if (ticket.cellId !== null && viewer.supervisedCellIds.includes(ticket.cellId)) return { ok: true };
      return {
        ok: false,
        code: 'DSP_FORBIDDEN',
        message:
          ticket.cellId === null
            ? `ticket ${ticket.ticketId} lies outside every grid cell; only ops staff handle it`
            : `ticket ${ticket.ticketId} belongs to cell ${ticket.cellId}, which you do not supervise`,
      };
  }
}

/** A supervisor's list filter by cell: only cells they supervise. */
export function cellFilterVerdict(viewer: Viewer, cellId: string): ScopeVerdict {
  if (viewer.role !== 'supervisor' || viewer.supervisedCellIds.includes(cellId)) return { ok: true };
  return { ok: false, code: 'DSP_FORBIDDEN', message: `you do not supervise cell ${cellId}` };
}
