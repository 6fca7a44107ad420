import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

const require = createRequire(import.meta.url);

export interface SessionStoreOptions {
  redisUrl: string;
  /** Offline QoS 1 packets expire after this: without a TTL, packets of sessions that never come back pile up (aedes-persistence-redis #45, #73). */
  packetTtlSeconds: number;
  /** Messages delivered to a reconnecting session at most (bounds the work of one CONNECT). */
  maxDelivery: number;
}

interface AsyncRedisPersistence {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
}
type AsyncRedisPersistenceConstructor = new (options: Record<string, unknown>) => AsyncRedisPersistence;

/**
 * aedes's persistence in Redis: subscriptions, QoS 1 sessions, retained messages, wills. Redis is
 * started by the stack with `noeviction`, so a full Redis refuses writes loudly instead of
 * silently dropping sessions.
 */
export function createSessionStore(options: SessionStoreOptions): unknown {
  // CommonJS only; aedes 1.x needs the async class, not the callback wrapper the package's main exports.
  const Base = require('aedes-persistence-redis/asyncPersistence.js') as AsyncRedisPersistenceConstructor;
  // aedes 1.2 pipes the retained messages (`stream.pipe`), but this persistence yields an async
  // generator; without the conversion every SUBSCRIBE crashes the broker with "stream.pipe is not a function".
  class RedisSessionStore extends Base {
    override createRetainedStreamCombi(patterns: string[]): Readable {
      return Readable.from(super.createRetainedStreamCombi(patterns));
    }
  }
  const url = new URL(options.redisUrl);
  return new RedisSessionStore({
    host: url.hostname,
    port: Number(url.port || 6379),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxSessionDelivery: options.maxDelivery,
    packetTTL: () => options.packetTtlSeconds,
    // Fail a command after a few retries rather than queueing it forever while Redis is down.
    maxRetriesPerRequest: 3,
  });
}

/** Delivery across broker instances: every instance sees every publish through Redis pub/sub. */
export function createRedisEmitter(redisUrl: string): unknown {
  const mqemitterRedis = require('mqemitter-redis') as (options: Record<string, unknown>) => unknown;
  return mqemitterRedis({ connectionString: redisUrl });
}
