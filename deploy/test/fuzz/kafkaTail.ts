import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { uniqueName } from '../../src/testing/index.js';

export interface TailRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export interface KafkaTail {
  records: TailRecord[];
  /** Resolves with the matching records once there are at least `count`; rejects after the timeout. */
  waitFor(predicate: (record: TailRecord) => boolean, count?: number, timeoutMs?: number): Promise<TailRecord[]>;
  close(): Promise<void>;
}

/**
 * What lands on the broker's fixed Kafka topics from now on, from the clients named: other suites
 * write to the same topics, and their records are no business of this one.
 */
export async function kafkaTail(brokers: string[], topics: string[], clientIds: ReadonlySet<string>): Promise<KafkaTail> {
  const kafka = new Kafka({ clientId: uniqueName('fuzz-tail'), brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const starts = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await offsetsOf(admin, topic) })));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('fuzz-tail'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: false });
  const records: TailRecord[] = [];
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      if (!clientIds.has(headers['mqtt-client-id'] ?? '')) return;
      records.push({ topic, key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), headers });
    },
  });
  // Seeking to where the topics stood before the consumer joined: nothing written meanwhile is missed.
  for (const { topic, partitions } of starts) for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
  return {
    records,
    waitFor: async (predicate, count = 1, timeoutMs = 20_000) => {
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
