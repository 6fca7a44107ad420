import { CompressionTypes, Kafka, logLevel, type Producer, type TopicMessages } from 'kafkajs';
import type { Logger } from '@gridsight/service-kit';
import type { KafkaRecord } from '../../core/bridgeRoute.js';
import { BrokerError } from '../../errors.js';

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
  /** Resolves once Kafka (acks=all) has the record; rejects with a retriable BrokerError otherwise. */
  send(record: KafkaRecord): Promise<void>;
  status(): KafkaBridgeStatus;
  /** Refuses new records, flushes those in hand (until the deadline), disconnects. */
  close(deadlineMs?: number): Promise<void>;
}

interface Entry {
  record: KafkaRecord;
  deadlineMs: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

const MAX_BACKOFF_MS = 2000;
const SWEEP_INTERVAL_MS = 250;

/**
 * kafkajs has no producer-side batching: every send is a request. This gathers the records of
 * all MQTT clients for `lingerMs` into one sendBatch (idempotent, acks=all), one batch at a time,
 * and settles each record's promise when its batch is acknowledged, so PUBACKs go out together.
 */
export async function createKafkaBridge(options: KafkaBridgeOptions): Promise<KafkaBridge> {
  const { logger, lingerMs, maxBatch, maxInFlight, giveUpMs } = options;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    // Our own loop retries with backoff until each record's deadline; kafkajs retries only briefly.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const status: KafkaBridgeStatus = { connected: false, inFlight: 0, waiting: 0 };
  let closing = false;
  const pending: Entry[] = [];
  const overflow: Entry[] = [];
  let batch: Entry[] = [];
  let sending: Promise<void> | undefined;
  let lingerTimer: NodeJS.Timeout | undefined;

  await producer.connect();
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
      pending.push(entry);
    }
    status.waiting = overflow.length;
    schedule();
  };

  const schedule = (lingered = false): void => {
    if (sending || pending.length === 0) return;
    if (lingered || pending.length >= maxBatch || lingerMs === 0 || closing) {
      clearTimeout(lingerTimer);
      lingerTimer = undefined;
      sending = flush().finally(() => {
        sending = undefined;
        schedule();
      });
    } else {
      lingerTimer ??= setTimeout(() => {
        lingerTimer = undefined;
        schedule(true);
      }, lingerMs);
    }
  };

  const flush = async (): Promise<void> => {
    batch = pending.splice(0, maxBatch);
    for (let attempt = 0; batch.some((entry) => !entry.settled); attempt++) {
      const started = performance.now();
      try {
        await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: byTopic(batch) });
        options.onBatch?.(batch.length, (performance.now() - started) / 1000);
        if (status.unavailableSinceMs !== undefined) logger.info({ downMs: Date.now() - status.unavailableSinceMs }, 'Kafka acknowledges again');
        status.connected = true;
        status.unavailableSinceMs = undefined;
        for (const entry of batch) settle(entry);
        break;
      } catch (error) {
        options.onSendError?.();
        status.connected = false;
        status.lastError = (error as Error).message;
        status.unavailableSinceMs ??= Date.now();
        if (attempt === 0) logger.warn({ err: error, records: batch.length }, 'Kafka did not acknowledge a batch; retrying, no PUBACK until it does');
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt)));
      }
    }
    batch = [];
  };

  // Records past their deadline fail wherever they wait, so a client never hangs on a dead Kafka.
  const sweeper = setInterval(() => {
    const now = Date.now();
    const expired = (entry: Entry): boolean => !entry.settled && entry.deadlineMs <= now;
    const timeout = (): BrokerError => new BrokerError('BROKER_KAFKA_UNAVAILABLE', status.lastError ?? `no acknowledgement within ${giveUpMs} ms`);
    for (const entry of [...batch, ...pending].filter(expired)) settle(entry, timeout());
    for (let i = overflow.length - 1; i >= 0; i--) {
      const entry = overflow[i] as Entry;
      if (expired(entry)) {
        overflow.splice(i, 1);
        entry.settled = true;
        entry.reject(timeout());
      }
    }
    for (let i = pending.length - 1; i >= 0; i--) if ((pending[i] as Entry).settled) pending.splice(i, 1);
    status.waiting = overflow.length;
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    send: (record) =>
      new Promise<void>((resolve, reject) => {
        if (closing) {
          reject(new BrokerError('BROKER_SHUTTING_DOWN'));
          return;
        }
        overflow.push({ record, deadlineMs: Date.now() + giveUpMs, settled: false, resolve, reject });
        admit();
      }),
    status: () => ({ ...status }),
    close: async (deadlineMs = 10_000) => {
      closing = true;
      schedule();
      const until = Date.now() + deadlineMs;
      while ((sending || pending.length > 0 || overflow.length > 0) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      clearInterval(sweeper);
      clearTimeout(lingerTimer);
      for (const entry of [...batch, ...pending, ...overflow]) {
        if (!entry.settled) {
          entry.settled = true;
          entry.reject(new BrokerError('BROKER_SHUTTING_DOWN'));
        }
      }
      await producer.disconnect();
    },
  };
}

function byTopic(entries: Entry[]): TopicMessages[] {
  const topics = new Map<string, TopicMessages>();
  for (const { record, settled } of entries) {
    if (settled) continue;
    let topic = topics.get(record.topic);
    if (!topic) topics.set(record.topic, (topic = { topic: record.topic, messages: [] }));
    topic.messages.push({ key: record.key, value: record.value, headers: record.headers });
  }
  return [...topics.values()];
}
