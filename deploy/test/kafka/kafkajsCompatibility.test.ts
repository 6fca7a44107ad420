import assert from 'node:assert/strict';
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { testServices, uniqueName } from '../../src/testing/index.js';

// kafkajs 2.2.4 speaks protocol versions that Kafka 4.x removed; this proves the broker we ship keeps them.
describe('kafkajs against the local Kafka broker', function () {
  this.timeout(90_000);
  const kafka = new Kafka({ clientId: 'gs-compat-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = uniqueName('gs-compat');
  const groupId = uniqueName('gs-compat-group');
  const consumers: Consumer[] = [];

  before(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  });
  after(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const consumeUntil = async (wanted: number): Promise<string[]> => {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) => {
            for (const message of batch.messages) {
              seen.push(message.value!.toString());
              resolveOffset(message.offset);
            }
            await heartbeat();
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
            await commitOffsetsIfNecessary();
            if (seen.length >= wanted) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return seen;
  };

  it('produces idempotently with acks=all, consumes in a group, commits offsets, and resumes after them', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const first = Array.from({ length: 30 }, (_, i) => ({ key: `cell-${i % 5}`, value: `m${i}` }));
    await producer.send({ topic, acks: -1, messages: first });

    const seen = await consumeUntil(30);
    assert.deepEqual([...seen].sort(), first.map((m) => m.value).sort());

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    assert.equal(total, 30, 'committed offsets cover every message');

    await producer.send({ topic, acks: -1, messages: [{ key: 'cell-0', value: 'after-restart' }] });
    await producer.disconnect();
    const resumed = await consumeUntil(1);
    assert.deepEqual(resumed, ['after-restart'], 'a new member of the group starts after the committed offsets');
  });
});
