import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ensureTopics } from '../kafka/ensureTopics.js';
import { uniqueName } from './testServices.js';

export interface TailRecord {
  topic: string;
  key: string;
  /** The record's bytes as written, for tests about sizes and exact payloads. */
  value: Buffer;
  /** The same bytes as UTF-8, for tests that read JSON. */
  text: string;
  headers: Record<string, string>;
}

export interface KafkaTail {
  records: TailRecord[];
  /** Resolves with the matching records once there are at least `count`; rejects after the timeout. */
  waitFor(predicate: (record: TailRecord) => boolean, count?: number, timeoutMs?: number): Promise<TailRecord[]>;
  close(): Promise<void>;
}

export interface KafkaTailOptions {
  /**
   * Keep only records whose `mqtt-client-id` header names one of these clients: the broker's
   * topics are fixed names that other suites write to as well.
   */
  clientIds?: ReadonlySet<string>;
}

/** Reads what lands on the given topics from the moment it is created (the contract's topics are made first). */
export async function kafkaTail(brokers: string[], topics: string[], options: KafkaTailOptions = {}): Promise<KafkaTail> {
  const kafka = new Kafka({ clientId: uniqueName('test-tail'), brokers, logLevel: logLevel.NOTHING });
  const starts = await startOffsets(kafka, topics);
  const consumer = kafka.consumer({ groupId: uniqueName('test-tail'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: false });
  const records: TailRecord[] = [];
  const { clientIds } = options;
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      if (clientIds && !clientIds.has(headers['mqtt-client-id'] ?? '')) return;
      const value = message.value ?? Buffer.alloc(0);
      records.push({ topic, key: message.key?.toString() ?? '', value, text: value.toString('utf8'), headers });
    },
  });
  // Seeking to where the topics stood before the consumer joined: nothing written meanwhile is missed.
  for (const { topic, partitions } of starts) for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
  return {
    records,
    waitFor: async (predicate, count = 1, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = records.filter(predicate);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`expected ${count} matching Kafka records within ${timeoutMs} ms, got ${matching.length}`);
        await sleep(20);
      }
    },
    close: () => consumer.disconnect(),
  };
}

async function startOffsets(kafka: Kafka, topics: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin);
    return await Promise.all(topics.map(async (topic) => ({ topic, partitions: await offsetsOf(admin, topic) })));
  } finally {
    await admin.disconnect();
  }
}

// Right after a topic is created its leaders may still move; that settles within seconds.
async function offsetsOf(admin: Admin, topic: string): Promise<Array<{ partition: number; offset: string }>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(500);
    }
  }
}
