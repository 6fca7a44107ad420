/** A token bucket per client: `ratePerSecond` sustained, `burst` at once. Pure: time comes in. */
export interface TokenBucket {
  tokens: number;
  updatedAtMs: number;
}

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

export function newBucket(limit: RateLimit, nowMs: number): TokenBucket {
  return { tokens: limit.burst, updatedAtMs: nowMs };
}

/**
 * Takes one token. Returns 0 when one was there, else how long until one will be; the bucket
 * goes into debt so that callers who wait are served in order at the sustained rate.
 */
export function take(bucket: TokenBucket, limit: RateLimit, nowMs: number): number {
  const elapsed = Math.max(0, nowMs - bucket.updatedAtMs);
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsed * limit.ratePerSecond) / 1000);
  bucket.updatedAtMs = nowMs;
  bucket.tokens -= 1;
  return bucket.tokens >= 0 ? 0 : (-bucket.tokens * 1000) / limit.ratePerSecond;
}

/** Gives back a token taken by a message that was then refused, so refusals do not pile up debt. */
export function giveBack(bucket: TokenBucket, limit: RateLimit): void {
  bucket.tokens = Math.min(limit.burst, bucket.tokens + 1);
}
