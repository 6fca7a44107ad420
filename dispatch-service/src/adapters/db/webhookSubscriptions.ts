import type pg from 'pg';
import { DispatchError } from '../../errors.js';

export interface NewSubscription {
  subscriptionId: string;
  url: string;
  secret: string;
  transitions: string[] | null;
  createdBy: string;
  idempotencyKey: string | null;
  requestSha256: string;
}

export interface CreatedSubscription {
  subscriptionId: string;
  secret: string;
  replayed: boolean;
}

/**
 * Stores a webhook subscription once per Idempotency-Key of its creator: a repeat answers the first
 * subscription and its secret, a different subscription under a used key is refused (422).
 */
export async function createSubscription(pool: pg.Pool, subscription: NewSubscription): Promise<CreatedSubscription> {
  const inserted = await pool.query(
    `INSERT INTO webhook_subscriptions (subscription_id, url, secret, transitions, created_by, idempotency_key, request_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING`,
    [subscription.subscriptionId, subscription.url, subscription.secret, subscription.transitions, subscription.createdBy, subscription.idempotencyKey, subscription.requestSha256],
  );
  if (inserted.rowCount === 1) return { subscriptionId: subscription.subscriptionId, secret: subscription.secret, replayed: false };
  const { rows } = await pool.query<{ subscription_id: string; secret: string; request_sha256: string | null }>(
    'SELECT subscription_id, secret, request_sha256 FROM webhook_subscriptions WHERE created_by = $1 AND idempotency_key = $2',
    [subscription.createdBy, subscription.idempotencyKey],
  );
  const first = rows[0];
  if (!first) throw new DispatchError('DSP_CONFLICT', 'the subscription under this Idempotency-Key changed while it was being stored; send it again');
  if (first.request_sha256 !== subscription.requestSha256) {
    throw new DispatchError('DSP_IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${subscription.idempotencyKey} was already used for a different subscription (url or transitions differ); use a new key`);
  }
  return { subscriptionId: first.subscription_id, secret: first.secret, replayed: true };
}
