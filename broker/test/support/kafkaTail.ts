import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { ensureTopics } from '@gridsight/deploy';
import { uniqueName } from '@gridsight/deploy/testing';

export interface TailRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface KafkaTail {
  records: TailRecord[];
  /** Resolves with the matching records once there are at least `count`; rejects after the timeout. */
  waitFor(predicate: (record: TailRecord) => boolean, count: number, timeoutMs?: number): Promise<TailRecord[]>;
  close(): Promise<void>;
}

/**
 * Reads what lands on the contract's topics from the moment it is created: the broker's topics
 * are fixed names, so tests tell their records apart by their own unique gateway ids.
 */
export async function kafkaTail(brokers: string[], topics: string[]): Promise<KafkaTail> {
  const kafka = new Kafka({ clientId: uniqueName('broker-test'), brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin);
  const starts = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await offsetsOf(admin, topic) })));
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('broker-test'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: false });
  const records: TailRecord[] = [];
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      records.push({ topic, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
    },
  });
  for (const { topic, partitions } of starts) {
    for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
  }
  return {
    records,
    waitFor: async (predicate, count, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = records.filter(predicate);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`expected ${count} matching Kafka records within ${timeoutMs} ms, got ${matching.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
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
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
