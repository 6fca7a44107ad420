import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { KAFKA_TOPICS } from '@gridsight/contracts';
import { kafkaTail, testServices, uniqueName, type KafkaTail } from '@gridsight/deploy/testing';
import { startProducerPool, type ProducerPool } from '../../../src/adapters/kafka/producerPool.js';
import type { KafkaRecord } from '../../../src/core/bridgeRoute.js';

describe('Kafka producers on their own thread', function () {
  this.timeout(60_000);
  const { kafkaBrokers } = testServices();
  let pool: ProducerPool | undefined;
  let tail: KafkaTail;

  before(async () => {
    tail = await kafkaTail(kafkaBrokers, [KAFKA_TOPICS.anomalyEvents, KAFKA_TOPICS.anomalyEventsDlq]);
  });
  after(async () => {
    await pool?.close();
    await tail?.close();
  });

  it('hands Kafka every record of a batch, across topics, with its own key, headers and bytes', async () => {
    pool = await startProducerPool({ brokers: kafkaBrokers, clientId: uniqueName('pool-test'), producers: 2 });
    const run = uniqueName('pool');
    const records: KafkaRecord[] = Array.from({ length: 50 }, (_, i) => ({
      topic: i % 5 === 0 ? KAFKA_TOPICS.anomalyEventsDlq : KAFKA_TOPICS.anomalyEvents,
      key: `cell-${i % 7}`,
      // Values of different lengths, one empty, and bytes that are not UTF-8 text.
      value: i === 3 ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`${run}/${i}/`), Buffer.from([0xff, 0x00, i])]),
      headers: { 'mqtt-topic': `v1/gateways/${run}/events`, 'received-at': new Date(1_700_000_000_000 + i).toISOString() },
    }));
    await Promise.all([pool.send(0, records.slice(0, 30)), pool.send(1, records.slice(30))]);
    const seen = await tail.waitFor((r) => r.headers['mqtt-topic'] === `v1/gateways/${run}/events`, records.length);
    assert.equal(seen.length, records.length);
    for (const [i, record] of records.entries()) {
      const match = seen.find((r) => r.headers['received-at'] === record.headers['received-at']);
      assert.ok(match, `record ${i} reached Kafka`);
      assert.equal(match.topic, record.topic);
      assert.equal(match.key, record.key);
      assert.equal(match.text, record.value.toString());
    }
  });

  it('refuses to start when no Kafka answers', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await assert.rejects(startProducerPool({ brokers: [`127.0.0.1:${port}`], clientId: uniqueName('pool-test'), producers: 1 }));
  });
});
