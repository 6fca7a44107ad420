import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '@gridsight/service-kit';
import { TICKET_NOTIFY_CHANNEL, type TicketNotice } from './ticketStore.js';

export interface TicketNotices {
  on(listener: (notice: TicketNotice) => void): () => void;
  readonly listening: () => boolean;
  close(): Promise<void>;
}

/**
 * Committed ticket transitions from every instance, through PostgreSQL LISTEN on one dedicated
 * connection (NOTIFY is delivered only on commit, so nothing rolled back is ever pushed).
 * The connection is re-opened with backoff if it drops.
 */
export function listenForTicketNotices(databaseUrl: string, logger: Logger): TicketNotices {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let retryDelay = 250;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      if (message.channel !== TICKET_NOTIFY_CHANNEL || !message.payload) return;
      try {
        emitter.emit('notice', JSON.parse(message.payload) as TicketNotice);
      } catch (error) {
        logger.warn({ err: error }, 'ignoring an unreadable ticket notice');
      }
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'ticket notice connection failed; reconnecting');
      listening = false;
      void next.end().catch(() => undefined);
      scheduleReconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${TICKET_NOTIFY_CHANNEL}`);
      client = next;
      listening = true;
      retryDelay = 250;
    } catch (error) {
      logger.warn({ err: error, retryInMs: retryDelay }, 'cannot listen for ticket notices yet');
      await next.end().catch(() => undefined);
      scheduleReconnect();
    }
  };
  const scheduleReconnect = () => {
    if (closed) return;
    const delay = retryDelay;
    retryDelay = Math.min(retryDelay * 2, 10_000);
    setTimeout(() => void connect(), delay).unref();
  };
  void connect();

  return {
    on(listener) {
      emitter.on('notice', listener);
      return () => emitter.off('notice', listener);
    },
    listening: () => listening,
    async close() {
      closed = true;
      listening = false;
      await client?.end().catch(() => undefined);
    },
  };
}
