import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Identifier, StringEnum, TICKET_STATUSES, type TicketStatus } from '@gridsight/contracts';
import { DispatchError } from '../../../errors.js';
import { actOnTicket } from '../../../workflows/actOnTicket.js';
import { cellFilterVerdict } from '../../../core/ticketScope.js';
import { auditTrail, getTicket, listTickets } from '../../db/ticketQueries.js';
import { actorOf, requireUser } from '../authenticate.js';
import { loadViewer, visibleTicket } from '../viewer.js';
import type { HttpDeps } from '../server.js';
import { ActionBody, AuditEntry, TICKET_ACTIONS, TicketIdParams, TicketView } from '../schemas.js';
import { auditView, ticketView } from '../views.js';

const errors = {
  400: { $ref: 'ErrorResponse#' },
  401: { $ref: 'ErrorResponse#' },
  403: { $ref: 'ErrorResponse#' },
  404: { $ref: 'ErrorResponse#' },
  409: { $ref: 'ErrorResponse#' },
} as const;

const ACTIVE_FOR_WORKER: TicketStatus[] = ['assigned', 'accepted', 'in_progress', 'resolved'];
// Supervisors and ops see unassigned tickets too; finished ones only when they ask by status.
const ACTIVE_FOR_STAFF: TicketStatus[] = ['new', ...ACTIVE_FOR_WORKER];

export const ticketRoutes =
  (deps: HttpDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { pool } = deps.workflows;
    const photoUrl = (photoId: string) => `${deps.publicUrl}/api/v1/photos/${photoId}`;

    app.get(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          description:
            'Most urgent first. Workers get only their own tickets; supervisors the tickets of the cells they supervise and those escalated to them; ops everyone\'s. Without `status`: the tickets still open or awaiting verification.',
          querystring: Type.Object(
            {
              status: Type.Optional(Type.Array(StringEnum(TICKET_STATUSES), { maxItems: TICKET_STATUSES.length })),
              cellId: Type.Optional(Identifier('Only tickets of this grid cell')),
              assigneeId: Type.Optional(Identifier('Only tickets of this worker (supervisors and ops)')),
              limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
              access_token: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ tickets: Type.Array(TicketView) }), ...errors },
        },
      },
      async (request) => {
        const claims = requireUser(request);
        const { status, cellId, assigneeId, limit } = request.query;
        const isWorker = claims.role === 'worker';
        if (isWorker && assigneeId !== undefined && assigneeId !== claims.sub) throw new DispatchError('DSP_FORBIDDEN', 'workers see only their own tickets');
        if (cellId !== undefined && claims.role === 'supervisor') {
          const verdict = cellFilterVerdict(await loadViewer(pool, claims), cellId);
          if (!verdict.ok) throw new DispatchError(verdict.code, verdict.message);
        }
        const rows = await listTickets(pool, {
          limit,
          ...(isWorker ? { assigneeId: claims.sub } : assigneeId ? { assigneeId } : {}),
          ...(claims.role === 'supervisor' ? { supervisorId: claims.sub } : {}),
          statuses: status ?? (isWorker ? ACTIVE_FOR_WORKER : ACTIVE_FOR_STAFF),
          ...(cellId ? { cellId } : {}),
        });
        return { tickets: rows.map((r) => ticketView(r, deps.publicUrl)) };
      },
    );

    app.get('/tickets/:ticketId', { schema: { tags: ['tickets'], params: TicketIdParams, response: { 200: TicketView, ...errors } } }, async (request) => {
      const claims = requireUser(request);
      return ticketView(await visibleTicket(pool, request.params.ticketId, claims), deps.publicUrl);
    });

    app.get(
      '/tickets/:ticketId/events',
      { schema: { tags: ['tickets'], description: 'The audit trail, oldest first', params: TicketIdParams, response: { 200: Type.Object({ events: Type.Array(AuditEntry) }), ...errors } } },
      async (request) => {
        const claims = requireUser(request);
        await visibleTicket(pool, request.params.ticketId, claims);
        return { events: (await auditTrail(pool, request.params.ticketId)).map(auditView) };
      },
    );

    app.post(
      '/tickets/:ticketId/actions',
      {
        schema: {
          tags: ['tickets'],
          description:
            'Workers: accept, start, resolve (with photoId), on their own tickets. Supervisors: verify, reject, reopen, cancel, assign, reassign, escalate, close, on tickets of the cells they supervise (403 for other cells). Ops: assign, reassign, escalate, close, on any ticket.',
          params: TicketIdParams,
          body: ActionBody,
          response: { 200: TicketView, ...errors },
        },
      },
      async (request) => {
        const claims = requireUser(request);
        const { action, ...rest } = request.body;
        const row = await actOnTicket(deps.workflows, request.params.ticketId, actorOf(claims), { transition: TICKET_ACTIONS[action], ...rest }, photoUrl);
        return ticketView({ ...row, snapshot_id: (await getTicket(pool, row.ticket_id))?.snapshot_id ?? null }, deps.publicUrl);
      },
    );
  };
