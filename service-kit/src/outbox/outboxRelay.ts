import type { Producer, TopicMessages } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

// First key of the two-key advisory lock: our relays' namespace, apart from any other advisory lock.
const OUTBOX_LOCK_CLASS = 0x6f757462; // "outb"
const CLEANUP_EVERY_MS = 60_000;

export interface OutboxRelayOptions {
  pool: Pool;
  /** Connected, idempotent (`idempotent: true`), so a retried send is not written twice. */
  producer: Producer;
  /** Which rows this relay publishes. */
  topics: readonly string[];
  /** Relays with one name elect one publisher at a time; give each topic set its own name. */
  name: string;
  logger: Logger;
  registry?: Registry;
  batchSize?: number;
  /** Bytes of payload per send; Kafka refuses a record batch over its max.message.bytes (1 MiB by default). A round sends as many times as its rows need. */
  maxBatchBytes?: number;
  /** Pause between polls when there was nothing to publish. */
  idleDelayMs?: number;
  /** Published rows older than this are deleted (the Kafka topic is the record); 0 keeps them. */
  retainPublishedMs?: number;
  maxErrorDelayMs?: number;
}

export interface RelayRound {
  /** False when another relay of the same name held the lock this round. */
  leader: boolean;
  published: number;
  /** More rows were waiting than one round takes. */
  more: boolean;
}

/**
 * Consecutive runs of rows whose payloads stay within `maxBytes` together, each at least one row,
 * so that every send makes progress and none is refused as too large (unless one row alone is).
 */
function chunksWithin<T extends { payload: string }>(rows: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(row.payload);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export interface OutboxRelay {
  /** One round: publish up to batchSize unpublished rows in id order and mark them, if this relay is the leader now. */
  relayOnce(): Promise<RelayRound>;
  /** Polls until stop(); errors are logged and retried with backoff. */
  start(): void;
  /** Cuts the idle pause short, e.g. right after a transaction wrote outbox rows. */
  wake(): void;
  /** Finishes the round in hand, then returns. */
  stop(): Promise<void>;
}

/**
 * The transactional outbox's publisher. Each round is one transaction that first takes a
 * transaction-scoped advisory lock on the relay's name (so of several instances exactly one
 * publishes at a time, and a dead one's lock goes with its connection), then sends the oldest
 * unpublished rows with acks=all and marks them published before committing. A crash between
 * send and commit re-sends those rows next round: consumers de-duplicate on the eventId header.
 * Rows are read in id order; ids of one key are ordered by their writers' own locks, so each key's
 * messages reach Kafka in order.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, producer, topics, name, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
  const idleDelayMs = options.idleDelayMs ?? 200;
  const maxErrorDelayMs = options.maxErrorDelayMs ?? 5_000;
  const retainPublishedMs = options.retainPublishedMs ?? 7 * 24 * 3600 * 1000;
  let lastCleanup = 0;
  const published = options.registry
    ? new Counter({ name: 'gridsight_outbox_published_total', help: 'Outbox rows published to Kafka', labelNames: ['relay'], registers: [options.registry] })
    : undefined;
  if (options.registry) {
    // Read at scrape time: how far the announcements lag behind the changes they announce.
    new Gauge({
      name: 'gridsight_outbox_backlog',
      help: 'Outbox rows not yet published, and the age in seconds of the oldest',
      labelNames: ['relay', 'measure'],
      registers: [options.registry],
      async collect() {
        // A database that cannot answer must not take /metrics down with it; the value goes stale instead.
        const result = await pool
          .query<{ rows: string; age: number | null }>(
            `SELECT count(*) AS rows, extract(epoch FROM now() - min(created_at))::float8 AS age
               FROM outbox WHERE published_at IS NULL AND topic = ANY($1::text[])`,
            [topics],
          )
          .catch(() => undefined);
        if (!result) return;
        this.set({ relay: name, measure: 'rows' }, Number(result.rows[0]?.rows ?? 0));
        this.set({ relay: name, measure: 'oldest_seconds' }, result.rows[0]?.age ?? 0);
      },
    });
  }
  const failures = options.registry
    ? new Counter({ name: 'gridsight_outbox_relay_errors_total', help: 'Relay rounds that failed and were retried', labelNames: ['relay'], registers: [options.registry] })
    : undefined;

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  // A wake() during a round: its rows may have committed after the round read, so no pause follows.
  let woken = false;

  const relayOnce = async (): Promise<RelayRound> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ leader: boolean }>('SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS leader', [OUTBOX_LOCK_CLASS, name]);
      if (!lock.rows[0]?.leader) {
        await client.query('ROLLBACK');
        return { leader: false, published: 0, more: false };
      }
      const { rows: read } = await client.query<{ id: string; event_id: string; topic: string; message_key: string; payload: string }>(
        // Per topic, so each branch walks the partial index of unpublished rows (outbox_unpublished)
        // instead of the primary key past every row ever published.
        `SELECT o.id, o.event_id, o.topic, o.message_key, o.payload::text AS payload
           FROM unnest($1::text[]) AS t(name)
          CROSS JOIN LATERAL (
                SELECT id, event_id, topic, message_key, payload FROM outbox
                 WHERE published_at IS NULL AND topic = t.name ORDER BY id LIMIT $2) AS o
          ORDER BY o.id LIMIT $2`,
        [topics, batchSize],
      );
      if (read.length > 0) {
        for (const chunk of chunksWithin(read, maxBatchBytes)) {
          const byTopic = new Map<string, TopicMessages>();
          for (const row of chunk) {
            let entry = byTopic.get(row.topic);
            if (!entry) byTopic.set(row.topic, (entry = { topic: row.topic, messages: [] }));
            entry.messages.push({ key: row.message_key, value: row.payload, headers: { eventId: row.event_id } });
          }
          await producer.sendBatch({ acks: -1, topicMessages: [...byTopic.values()] });
        }
        await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [read.map((r) => r.id)]);
      }
      await client.query('COMMIT');
      published?.inc({ relay: name }, read.length);
      return { leader: true, published: read.length, more: read.length === batchSize };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  // Bounded, so that a first clean-up of a long history never holds one long transaction.
  const deletePublished = async (): Promise<void> => {
    await pool.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1) AND topic = ANY($2::text[]) LIMIT 10000)`,
      [retainPublishedMs / 1000, topics],
    );
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const run = async (): Promise<void> => {
    let errorDelay = 100;
    while (running) {
      try {
        woken = false;
        const round = await relayOnce();
        errorDelay = 100;
        if (round.leader && retainPublishedMs > 0 && Date.now() - lastCleanup > CLEANUP_EVERY_MS) {
          lastCleanup = Date.now();
          await deletePublished();
        }
        if (!round.more && running) await pause(idleDelayMs);
      } catch (error) {
        failures?.inc({ relay: name });
        logger.warn({ err: error, relay: name, retryInMs: errorDelay }, 'outbox relay round failed; retrying');
        woken = false;
        if (running) await pause(errorDelay);
        errorDelay = Math.min(errorDelay * 2, maxErrorDelayMs);
      }
    }
  };

  return {
    relayOnce,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      if (wakeUp) wakeUp();
      else woken = true;
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
