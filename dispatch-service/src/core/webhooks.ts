import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'x-gridsight-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-gridsight-timestamp';
export const WEBHOOK_EVENT_ID_HEADER = 'x-gridsight-event-id';
export const WEBHOOK_MAX_ATTEMPTS = 12;

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, as Stripe signs: the timestamp inside the MAC
 * lets a receiver refuse replays of an old delivery.
 */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** What a receiver does (and what our tests do): recompute and compare in constant time, within a tolerance. */
export function verifyWebhookSignature(secret: string, header: string, timestampSeconds: number, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestampSeconds, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Exponential backoff from 5 s, capped at an hour, with ±20 % jitter so failed receivers are not hit in step. */
export function webhookRetryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}
