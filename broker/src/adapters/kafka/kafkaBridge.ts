import type { Logger } from '@gridsight/service-kit';
import type { KafkaRecord } from '../../core/bridgeRoute.js';
import { laneOf } from '../../core/lanes.js';
import { BrokerError } from '../../errors.js';
import { startProducerPool } from './producerPool.js';

export interface KafkaBridgeOptions {
  brokers: string[];
  clientId: string;
  /** How long a batch gathers the records of all clients before one sendBatch. */
  lingerMs: number;
  maxBatch: number;
  /** Records accepted but not yet acknowledged; past this, send() waits before joining a batch. */
  maxInFlight: number;
  /** A record not acknowledged within this is rejected (its client is disconnected, no PUBACK). */
  giveUpMs: number;
  /** Idempotent producers, each with one batch in flight; a record's order key picks its producer. */
  producers: number;
  logger: Logger;
  onBatch?: (size: number, seconds: number) => void;
  onSendError?: () => void;
}

export interface KafkaBridgeStatus {
  connected: boolean;
  inFlight: number;
  waiting: number;
  lastError?: string;
  unavailableSinceMs?: number;
}

export interface KafkaBridge {
  /**
   * Resolves once Kafka (acks=all) has the record; rejects with a retriable BrokerError otherwise.
   * Records with the same `orderKey` (the publishing client) reach Kafka in the order they were sent.
   */
  send(record: KafkaRecord, orderKey: string): Promise<void>;
  status(): KafkaBridgeStatus;
  /** Refuses new records, flushes those in hand (until the deadline), disconnects. */
  close(deadlineMs?: number): Promise<void>;
}

interface Entry {
  record: KafkaRecord;
  lane: number;
  /** When it joined its lane's pending records (performance.now()): linger counts from the oldest. */
  queuedAtMs: number;
  deadlineMs: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Lane {
  index: number;
  pending: Entry[];
  batch: Entry[];
  sending?: Promise<void>;
  lingerTimer?: NodeJS.Timeout;
}

const MAX_BACKOFF_MS = 2000;
const SWEEP_INTERVAL_MS = 250;

/**
 * kafkajs has no producer-side batching: every send is a request. This gathers the records of
 * all MQTT clients for `lingerMs` into one sendBatch (idempotent, acks=all) and settles each
 * record's promise when its batch is acknowledged, so PUBACKs go out together.
 *
 * An idempotent kafkajs producer must not have two batches in flight (their sequence numbers
 * would race), so throughput would be one batch per Kafka round trip. Several producers ("lanes")
 * overlap those round trips with the MQTT work of the others; a client always goes through the
 * same lane, so one gateway's records keep their order in every partition. Records of different
 * gateways in one geo cell may interleave differently than they arrived, which they may anyway:
 * they are published concurrently.
 */
export async function createKafkaBridge(options: KafkaBridgeOptions): Promise<KafkaBridge> {
  const { logger, lingerMs, maxBatch, maxInFlight, giveUpMs } = options;
  const lanes: Lane[] = Array.from({ length: options.producers }, (_, index) => ({ index, pending: [], batch: [] }));
  const status: KafkaBridgeStatus = { connected: false, inFlight: 0, waiting: 0 };
  let closing = false;
  const overflow: Entry[] = [];

  const producers = await startProducerPool({ brokers: options.brokers, clientId: options.clientId, producers: options.producers });
  status.connected = true;

  const settle = (entry: Entry, error?: Error): void => {
    if (entry.settled) return;
    entry.settled = true;
    status.inFlight--;
    if (error) entry.reject(error);
    else entry.resolve();
    admit();
  };

  const admit = (): void => {
    while (overflow.length > 0 && status.inFlight < maxInFlight) {
      const entry = overflow.shift() as Entry;
      status.inFlight++;
      const lane = lanes[entry.lane] as Lane;
      entry.queuedAtMs = performance.now();
      lane.pending.push(entry);
      schedule(lane);
    }
    status.waiting = overflow.length;
  };

  // Linger as Kafka's own producers mean it: a record waits at most lingerMs for company, counted
  // from its arrival. Records that gathered while the previous batch was in flight have waited
  // already, so they leave as soon as the lane is free, not lingerMs after it.
  const schedule = (lane: Lane, lingered = false): void => {
    if (lane.sending || lane.pending.length === 0) return;
    const lingerLeftMs = lingerMs - (performance.now() - (lane.pending[0] as Entry).queuedAtMs);
    if (lingered || lingerLeftMs <= 0 || lane.pending.length >= maxBatch || closing) {
      clearTimeout(lane.lingerTimer);
      lane.lingerTimer = undefined;
      lane.sending = flush(lane).finally(() => {
        lane.sending = undefined;
        schedule(lane);
      });
    } else {
      lane.lingerTimer ??= setTimeout(() => {
        lane.lingerTimer = undefined;
        schedule(lane, true);
      }, lingerLeftMs);
    }
  };

  const flush = async (lane: Lane): Promise<void> => {
    lane.batch = lane.pending.splice(0, maxBatch);
    for (let attempt = 0; lane.batch.some((entry) => !entry.settled); attempt++) {
      const started = performance.now();
      try {
        await producers.send(lane.index, lane.batch.filter((entry) => !entry.settled).map((entry) => entry.record));
        options.onBatch?.(lane.batch.length, (performance.now() - started) / 1000);
        if (status.unavailableSinceMs !== undefined) logger.info({ downMs: Date.now() - status.unavailableSinceMs }, 'Kafka acknowledges again');
        status.connected = true;
        status.unavailableSinceMs = undefined;
        for (const entry of lane.batch) settle(entry);
        break;
      } catch (error) {
        options.onSendError?.();
        status.connected = false;
        status.lastError = (error as Error).message;
        status.unavailableSinceMs ??= Date.now();
        if (attempt === 0) logger.warn({ err: error, records: lane.batch.length }, 'Kafka did not acknowledge a batch; retrying, no PUBACK until it does');
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt)));
      }
    }
    lane.batch = [];
  };

  // Records past their deadline fail wherever they wait, so a client never hangs on a dead Kafka.
  const sweeper = setInterval(() => {
    const now = Date.now();
    const expired = (entry: Entry): boolean => !entry.settled && entry.deadlineMs <= now;
    const timeout = (): BrokerError => new BrokerError('BROKER_KAFKA_UNAVAILABLE', status.lastError ?? `no acknowledgement within ${giveUpMs} ms`);
    for (const lane of lanes) {
      for (const entry of [...lane.batch, ...lane.pending].filter(expired)) settle(entry, timeout());
      lane.pending = lane.pending.filter((entry) => !entry.settled);
    }
    for (let i = overflow.length - 1; i >= 0; i--) {
      const entry = overflow[i] as Entry;
      if (expired(entry)) {
        overflow.splice(i, 1);
        entry.settled = true;
        entry.reject(timeout());
      }
    }
    status.waiting = overflow.length;
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  const busy = (): boolean => overflow.length > 0 || lanes.some((lane) => lane.sending !== undefined || lane.pending.length > 0);

  return {
    send: (record, orderKey) =>
      new Promise<void>((resolve, reject) => {
        if (closing) {
          reject(new BrokerError('BROKER_SHUTTING_DOWN'));
          return;
        }
        overflow.push({ record, lane: laneOf(orderKey, lanes.length), queuedAtMs: 0, deadlineMs: Date.now() + giveUpMs, settled: false, resolve, reject });
        admit();
      }),
    status: () => ({ ...status }),
    close: async (deadlineMs = 10_000) => {
      closing = true;
      for (const lane of lanes) schedule(lane);
      const until = Date.now() + deadlineMs;
      while (busy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(sweeper);
      for (const lane of lanes) {
        clearTimeout(lane.lingerTimer);
        for (const entry of [...lane.batch, ...lane.pending]) {
          if (!entry.settled) settle(entry, new BrokerError('BROKER_SHUTTING_DOWN'));
        }
      }
      for (const entry of overflow.splice(0)) {
        entry.settled = true;
        entry.reject(new BrokerError('BROKER_SHUTTING_DOWN'));
      }
      await producers.close();
    },
  };
}
