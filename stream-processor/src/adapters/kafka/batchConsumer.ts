import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { RecordIn } from '../../handlers/records.js';

const MAX_REJOIN_DELAY_MS = 30_000;

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  partitionsConsumedConcurrently: number;
  /** Records per call of `handle`: one database transaction each. */
  maxBatch: number;
  /** Most bytes one fetch brings per partition; it bounds a batch as much as maxBatch does. */
  maxBytesPerPartition: number;
  /** Must have committed its database transaction when it resolves; its offsets are committed right after. */
  handle: (topic: string, partition: number, records: RecordIn[]) => Promise<void>;
  onLag?: (topic: string, partition: number, lag: number) => void;
  logger: Logger;
}

export interface BatchConsumer {
  start(): Promise<void>;
  /** Finishes the chunk in hand (its transaction and offset commit), then leaves the group. */
  stop(): Promise<void>;
  isConnected(): boolean;
}

/**
 * A kafkajs group member with autoCommit off: each chunk of a fetched batch is handled (one DB
 * transaction), then its offsets are resolved and committed, then a heartbeat. A crash anywhere
 * before the commit makes Kafka hand the chunk out again, which the idempotent writes absorb.
 */
export function createBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
  const { kafka, logger } = options;
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.max(1_000, Math.floor(options.sessionTimeoutMs / 10)),
    rebalanceTimeout: Math.max(60_000, options.sessionTimeoutMs * 2),
    maxBytesPerPartition: options.maxBytesPerPartition,
    maxBytes: Math.max(10 * 1024 * 1024, options.maxBytesPerPartition * options.partitionsConsumedConcurrently),
  });
  let connected = false;
  consumer.on(consumer.events.CONNECT, () => {
    connected = true;
  });
  consumer.on(consumer.events.DISCONNECT, () => {
    connected = false;
  });
  let stopping = false;
  let rejoins = 0;
  // kafkajs restarts the group member itself only after retriable errors; after any other crash
  // it stays down while the process looks alive, so rejoin here with a growing backoff.
  const rejoinLater = (): void => {
    const delayMs = Math.min(MAX_REJOIN_DELAY_MS, 1_000 * 2 ** rejoins++);
    setTimeout(() => {
      if (stopping) return;
      run().then(
        () => {
          rejoins = 0;
        },
        (error: unknown) => {
          logger.error({ err: error, delayMs }, 'rejoining the consumer group failed; trying again');
          rejoinLater();
        },
      );
    }, delayMs).unref();
  };
  consumer.on(consumer.events.CRASH, (event) => {
    connected = false;
    logger.error({ err: event.payload.error, restart: event.payload.restart }, 'kafka consumer crashed');
    if (!event.payload.restart && !stopping) rejoinLater();
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    connected = true;
    logger.info({ memberId: event.payload.memberId, assignment: event.payload.memberAssignment }, 'joined the consumer group');
  });

  const run = async (): Promise<void> => {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      // kafkajs resolves a whole batch when eachBatch returns unless told not to; a return on
      // a stale batch or a stop would then make the next fetch skip the chunks not yet handled.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const { topic, partition } = batch;
        for (let start = 0; start < batch.messages.length; start += options.maxBatch) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(start, start + options.maxBatch);
          const records: RecordIn[] = chunk.map((m) => ({ topic, partition, offset: m.offset, timestamp: m.timestamp, value: m.value }));
          await options.handle(topic, partition, records);
          const last = chunk[chunk.length - 1]!.offset;
          resolveOffset(last);
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
          await heartbeat();
        }
        const behind = Number(batch.offsetLag());
        options.onLag?.(topic, partition, Number.isFinite(behind) ? behind : 0);
      },
    });
  };

  return {
    start: run,
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
    isConnected: () => connected,
  };
}
