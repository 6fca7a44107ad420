import type pg from 'pg';
import type { Logger } from '@gridsight/service-kit';
import {
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookRetryDelayMs,
  webhookSignature,
} from '../../core/webhooks.js';
import { createPassLoop } from '../timers/passLoop.js';

export interface WebhookSenderOptions {
  pool: pg.Pool;
  logger: Logger;
  clock?: () => Date;
  intervalMs?: number;
  timeoutMs?: number;
  batchSize?: number;
}

export interface WebhookSender {
  /** One pass: lease the due deliveries, post them, record each outcome. Returns how many were attempted. */
  sendDue(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

interface Leased {
  delivery_id: string;
  event_id: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Posts each delivery signed (see core/webhooks.ts) and retries failures with backoff up to
 * WEBHOOK_MAX_ATTEMPTS. A delivery is leased by pushing its next attempt past the timeout in one
 * statement (FOR UPDATE SKIP LOCKED), so several instances never post it at once and a crash
 * mid-post only delays the retry. Receivers de-duplicate on the event id header.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const { pool, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 20;

  const post = async (delivery: Leased): Promise<{ ok: boolean; status: number | null; error: string | null }> => {
    const timestamp = Math.floor(clock().getTime() / 1000);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'gridsight-dispatch-webhooks/1',
          [WEBHOOK_EVENT_ID_HEADER]: delivery.event_id,
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(delivery.secret, timestamp, delivery.payload),
        },
        body: delivery.payload,
      });
      await response.body?.cancel();
      return { ok: response.ok, status: response.status, error: response.ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, status: null, error: (error as Error).message.slice(0, 500) };
    }
  };

  const sendDue = async (): Promise<number> => {
    const now = clock();
    const { rows } = await pool.query<Leased>(
      `UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = $1::timestamptz + make_interval(secs => $3)
         FROM webhook_subscriptions s
        WHERE s.subscription_id = d.subscription_id
          AND d.delivery_id IN (SELECT delivery_id FROM webhook_deliveries
                                 WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                                 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.delivery_id, d.event_id, d.payload::text AS payload, d.attempts, s.url, s.secret`,
      [now, batchSize, (timeoutMs * 2) / 1000],
    );
    await Promise.all(
      rows.map(async (delivery) => {
        const outcome = await post(delivery);
        const done = clock();
        if (outcome.ok) {
          await pool.query('UPDATE webhook_deliveries SET delivered_at = $2, last_status = $3, last_error = NULL WHERE delivery_id = $1', [delivery.delivery_id, done, outcome.status]);
        } else if (delivery.attempts >= WEBHOOK_MAX_ATTEMPTS) {
          logger.warn({ deliveryId: delivery.delivery_id, url: delivery.url, error: outcome.error }, 'webhook delivery given up');
          await pool.query('UPDATE webhook_deliveries SET failed_at = $2, last_status = $3, last_error = $4 WHERE delivery_id = $1', [delivery.delivery_id, done, outcome.status, outcome.error]);
        } else {
          const retryAt = new Date(done.getTime() + webhookRetryDelayMs(delivery.attempts));
          await pool.query('UPDATE webhook_deliveries SET next_attempt_at = $2, last_status = $3, last_error = $4 WHERE delivery_id = $1', [delivery.delivery_id, retryAt, outcome.status, outcome.error]);
        }
      }),
    );
    return rows.length;
  };

  const intervalMs = options.intervalMs ?? 1000;
  return {
    sendDue,
    ...createPassLoop({ what: 'webhook', logger, errorFloorMs: 500, pass: sendDue, delayAfter: (sent) => (sent > 0 ? 0 : intervalMs) }),
  };
}
