import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface SessionStoreOptions {
  redisUrl: string;
  /** Offline QoS 1 packets expire after this: without a TTL, packets of sessions that never come back pile up (aedes-persistence-redis #45, #73). */
  packetTtlSeconds: number;
  /** Messages delivered to a reconnecting session at most (bounds the work of one CONNECT). */
  maxDelivery: number;
}

interface AsyncRedisPersistenceConstructor {
  new (options: Record<string, unknown>): unknown;
}

/**
 * aedes's persistence in Redis: subscriptions, QoS 1 sessions, retained messages, wills. Redis is
 * started by the stack with `noeviction`, so a full Redis refuses writes loudly instead of
 * silently dropping sessions.
 */
export function createSessionStore(options: SessionStoreOptions): unknown {
  // CommonJS only, and aedes 1.x needs its async class, not the callback factory the package's main exports.
  const AsyncRedisPersistence = require('aedes-persistence-redis/asyncPersistence.js') as AsyncRedisPersistenceConstructor;
  const url = new URL(options.redisUrl);
  return new AsyncRedisPersistence({
    host: url.hostname,
    port: Number(url.port || 6379),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxSessionDelivery: options.maxDelivery,
    packetTTL: () => options.packetTtlSeconds,
    // Fail a command after a few seconds rather than queueing it forever while Redis is down.
    maxRetriesPerRequest: 3,
  });
}
