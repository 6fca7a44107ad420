import type { FastifyInstance } from 'fastify';
import type { TicketNotices } from '../../db/ticketNotices.js';
import type pg from 'pg';
import { ticketScopeFor } from '../../../core/ticketScope.js';
import { requireUser } from '../authenticate.js';
import { loadViewer } from '../viewer.js';

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/v1/stream: Server-Sent Events with every committed ticket transition the caller may
 * see (a worker: tickets that are, or just were, theirs; a supervisor: tickets of their cells, as
 * supervised when the stream opened, or escalated to them; ops: all). The app refetches the ticket on each
 * event; EventSource reconnects by itself, and a refetch on reconnect covers anything missed.
 */
export function streamRoute(notices: TicketNotices, pool: pg.Pool) {
  return async (app: FastifyInstance): Promise<void> => {
    const open = new Set<() => void>();
    // Open streams would otherwise hold the server open on shutdown.
    app.addHook('onClose', async () => {
      for (const end of open) end();
    });
    app.get('/api/v1/stream', { schema: { tags: ['tickets'], description: 'SSE of ticket changes; pass the token as ?access_token= (EventSource cannot set headers)' } }, async (request, reply) => {
      const claims = requireUser(request);
      const viewer = await loadViewer(pool, claims);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ workerId: claims.sub, role: claims.role })}\n\n`);
      const unsubscribe = notices.on((notice) => {
        const ticket = { ticketId: notice.ticketId, cellId: notice.cellId, assigneeId: notice.assigneeId, escalatedTo: notice.escalatedTo };
        // A worker also hears that a ticket just left them, so the app drops it from the list.
        const mine = ticketScopeFor(viewer, ticket).ok || (claims.role === 'worker' && notice.previousAssigneeId === claims.sub);
        if (mine) raw.write(`id: ${notice.ticketId}:${notice.seq}\nevent: ticket\ndata: ${JSON.stringify(notice)}\n\n`);
      });
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const end = () => {
        clearInterval(keepalive);
        unsubscribe();
        open.delete(end);
        raw.end();
      };
      open.add(end);
      raw.on('close', end);
    });
  };
}
